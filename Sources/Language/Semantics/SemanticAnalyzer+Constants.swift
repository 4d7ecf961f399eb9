/// Values known when compiling, as bpftrace folds them before its comptime checks:
/// literals, positional parameters, the answers of is_integer() and friends, and
/// arithmetic, comparisons and logic over those.
extension SemanticAnalyzer {
    func constantValue(_ expr: Expr) -> Int64? {
        switch expr.kind {
        case .integer(let v): return Int64(bitPattern: v)
        case .builtin("true"): return 1
        case .builtin("false"): return 0
        case .positional(let n):
            guard n >= 1, n <= options.positionalParameters.count else { return 0 }
            return Int64(options.positionalParameters[n - 1])
        case .positionalCount: return Int64(options.positionalParameters.count)
        case .unary(let op, let operand):
            guard let v = constantValue(operand) else { return nil }
            switch op {
            case "!": return v == 0 ? 1 : 0
            case "-": return 0 &- v
            case "~": return ~v
            default: return nil
            }
        case .binary(let op, let lhs, let rhs):
            guard let a = constantValue(lhs) else { return nil }
            // Short-circuits decide with one side, as at run time.
            if op == "&&", a == 0 { return 0 }
            if op == "||", a != 0 { return 1 }
            guard let b = constantValue(rhs) else { return nil }
            switch op {
            case "+": return a &+ b
            case "-": return a &- b
            case "*": return a &* b
            case "/":
                let (quotient, overflow) = a.dividedReportingOverflow(by: b)
                return b == 0 || overflow ? nil : quotient
            case "%":
                let (remainder, overflow) = a.remainderReportingOverflow(dividingBy: b)
                return b == 0 || overflow ? nil : remainder
            case "&": return a & b
            case "|": return a | b
            case "^": return a ^ b
            case "==": return a == b ? 1 : 0
            case "!=": return a != b ? 1 : 0
            case "<": return a < b ? 1 : 0
            case "<=": return a <= b ? 1 : 0
            case ">": return a > b ? 1 : 0
            case ">=": return a >= b ? 1 : 0
            case "&&", "||": return b != 0 ? 1 : 0
            default: return nil
            }
        case .call(let name, _) where Self.callsFoldedToTheirValue.contains(name):
            return constants[expr.id].map { Int64(bitPattern: $0) }
        case .sizeof, .offsetof:
            return constants[expr.id].map { Int64(bitPattern: $0) }
        default:
            // Other calls may keep data for code generation in `constants` (usermode()'s
            // source, uaddr()'s offset, container_of()'s member offset), not their value.
            return nil
        }
    }
}

extension CallTyping {
    /// Whether this call sits in a branch that the program's constants rule out.
    public var isInDeadBranch: Bool { analyzer.pointee.deadBranchDepth > 0 }

    /// The value of argument `index` when known at compile time, or nil.
    public func constantValue(_ index: Int) -> Int64? { analyzer.pointee.constantValue(arguments[index]) }
}

extension CallTyping {
    /// Declares (or widens) a variable the call writes, such as find()'s result.
    public func declare(variable name: String, type: SType, range: SourceRange) {
        analyzer.pointee.declaredUntyped.remove(name)
        analyzer.pointee.declare(variable: name, type: type, range: range)
    }
}

extension CallTyping {
    /// The offset of a (nested) member of a type, as offsetof() finds it; reports when none.
    public func offset(of path: [String], in type: TypeSyntax) -> Int? {
        analyzer.pointee.offset(of: path, in: type)
    }

    /// The type a type name stands for.
    public func resolve(_ type: TypeSyntax) -> SType { analyzer.pointee.resolve(type) }
}

extension SemanticAnalyzer {
    /// Calls whose entry in `constants` is the value they evaluate to.
    static let callsFoldedToTheirValue: Set<String> = [
        "is_integer", "is_unsigned_integer", "is_str", "is_ptr", "is_array", "is_literal",
        "default_str_length", "strcap", "sizeof", "offsetof", "kfunc_exist", "kfunc_allowed", "cgroupid",
    ]
}

