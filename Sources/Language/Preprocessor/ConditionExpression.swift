/// Evaluates the integer expression of `#if` and `#elif`, after `defined` has been answered
/// and macros expanded: C's operators over 64-bit signed integers, and any identifier left
/// over counts as 0, as in C.
struct ConditionExpression {
    private var tokens: [PPToken]
    private var position = 0
    private let directive: SourceRange
    private let rangeOf: (PPToken) -> SourceRange

    static func evaluate(
        _ tokens: [PPToken], directive: SourceRange, rangeOf: @escaping (PPToken) -> SourceRange
    ) throws -> Int64 {
        var parser = ConditionExpression(
            tokens: tokens.filter { !$0.isTrivia }, directive: directive, rangeOf: rangeOf)
        guard !parser.tokens.isEmpty else {
            throw Diagnostic("#if with no expression", at: directive)
        }
        let value = try parser.ternary()
        if parser.position < parser.tokens.count {
            let extra = parser.tokens[parser.position]
            throw Diagnostic("unexpected '\(extra.text)' in the #if expression", at: rangeOf(extra))
        }
        return value
    }

    private init(tokens: [PPToken], directive: SourceRange, rangeOf: @escaping (PPToken) -> SourceRange) {
        self.tokens = tokens
        self.directive = directive
        self.rangeOf = rangeOf
    }

    private var current: PPToken? { position < tokens.count ? tokens[position] : nil }

    private mutating func take(_ text: String) -> Bool {
        guard let t = current, t.kind == .punct, t.text == text else { return false }
        position += 1
        return true
    }

    private mutating func ternary() throws -> Int64 {
        let condition = try binary(0)
        guard take("?") else { return condition }
        let then = try ternary()
        guard take(":") else { throw error("expected ':' in the #if expression") }
        let otherwise = try ternary()
        return condition != 0 ? then : otherwise
    }

    private static let levels: [[String]] = [
        ["||"], ["&&"], ["|"], ["^"], ["&"], ["==", "!="], ["<", "<=", ">", ">="], ["<<", ">>"], ["+", "-"],
        ["*", "/", "%"],
    ]

    private mutating func binary(_ level: Int) throws -> Int64 {
        if level == ConditionExpression.levels.count { return try unary() }
        var lhs = try binary(level + 1)
        while let t = current, t.kind == .punct, ConditionExpression.levels[level].contains(t.text) {
            position += 1
            let rhs = try binary(level + 1)
            lhs = try apply(t, lhs, rhs)
        }
        return lhs
    }

    private func apply(_ op: PPToken, _ l: Int64, _ r: Int64) throws -> Int64 {
        switch op.text {
        case "||": return (l != 0 || r != 0) ? 1 : 0
        case "&&": return (l != 0 && r != 0) ? 1 : 0
        case "|": return l | r
        case "^": return l ^ r
        case "&": return l & r
        case "==": return l == r ? 1 : 0
        case "!=": return l != r ? 1 : 0
        case "<": return l < r ? 1 : 0
        case "<=": return l <= r ? 1 : 0
        case ">": return l > r ? 1 : 0
        case ">=": return l >= r ? 1 : 0
        case "<<": return r < 0 || r > 63 ? 0 : l << r
        case ">>": return r < 0 || r > 63 ? (l < 0 ? -1 : 0) : l >> r
        case "+": return l &+ r
        case "-": return l &- r
        case "*": return l &* r
        default:
            if r == 0 { throw Diagnostic("division by zero in the #if expression", at: rangeOf(op)) }
            if l == .min && r == -1 { return op.text == "/" ? .min : 0 }
            return op.text == "/" ? l / r : l % r
        }
    }

    private mutating func unary() throws -> Int64 {
        guard let t = current else { throw error("the #if expression ends too early") }
        if t.kind == .punct {
            switch t.text {
            case "!":
                position += 1
                return try unary() == 0 ? 1 : 0
            case "~":
                position += 1
                return ~(try unary())
            case "-":
                position += 1
                return 0 &- (try unary())
            case "+":
                position += 1
                return try unary()
            case "(":
                position += 1
                let value = try ternary()
                guard take(")") else { throw error("expected ')' in the #if expression") }
                return value
            default: break
            }
        }
        position += 1
        switch t.kind {
        case .number:
            guard let value = ConditionExpression.integer(t.text) else {
                throw Diagnostic("'\(t.text)' is not an integer", at: rangeOf(t))
            }
            return value
        case .character:
            let inner = Array(t.text.utf8.dropFirst().dropLast())
            guard let first = inner.first else { throw Diagnostic("empty character literal", at: rangeOf(t)) }
            return Int64(first == UInt8(ascii: "\\") && inner.count > 1 ? ConditionExpression.escaped(inner[1]) : first)
        case .identifier:
            return 0
        default:
            throw Diagnostic("'\(t.text)' cannot appear in an #if expression", at: rangeOf(t))
        }
    }

    private func error(_ message: String) -> Diagnostic {
        Diagnostic(message, at: current.map(rangeOf) ?? directive)
    }

    /// A C integer literal: decimal, hex, octal or binary, with `u`/`l` suffixes.
    static func integer(_ text: String) -> Int64? {
        var digits = Substring(text.lowercased())
        while let last = digits.last, last == "u" || last == "l" { digits.removeLast() }
        digits = digits.filter { $0 != "'" }[...]
        var radix = 10
        if digits.hasPrefix("0x") {
            radix = 16
            digits = digits.dropFirst(2)
        } else if digits.hasPrefix("0b") {
            radix = 2
            digits = digits.dropFirst(2)
        } else if digits.count > 1, digits.hasPrefix("0") {
            radix = 8
            digits = digits.dropFirst()
        }
        guard let value = UInt64(digits, radix: radix) else { return nil }
        return Int64(bitPattern: value)
    }

    private static func escaped(_ b: UInt8) -> UInt8 {
        switch b {
        case UInt8(ascii: "n"): return 10
        case UInt8(ascii: "t"): return 9
        case UInt8(ascii: "r"): return 13
        case UInt8(ascii: "0"): return 0
        default: return b
        }
    }
}
