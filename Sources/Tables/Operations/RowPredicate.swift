/// A parse error in a `where` predicate: `offset` counts characters from the start of the
/// text (where a caret belongs), `message` says what was expected.
public struct PredicateError: Error, Hashable, Sendable {
    public var offset: Int
    public var message: String
    public init(offset: Int, message: String) {
        self.offset = offset
        self.message = message
    }
}

/// The `where` predicate language:
///
///     expr    := and ("or" and)*
///     and     := unary ("and" unary)*
///     unary   := "not" unary | "(" expr ")" | column op literal
///     column  := value | key | key1 | key2 | ...
///     op      := == | != | < | <= | > | >= | ~ (contains) | !~ (does not contain)
///     literal := "string" (\" \\ escapes) | integer with an optional K, M or G suffix
///                (powers of 1024, as in bpftrace's histogram labels) | a bare word (a string)
///
/// `and` binds tighter than `or`; `&&`/`||` are accepted too. A number compares numerically
/// with a numeric column; anything else compares the column's text (`~` always does): so
/// `key == "bash"`, `key2 ~ "ssh"`, `value >= 1K`. A numeric comparison against a column
/// without a number (a string key) is false.
public indirect enum RowPredicate: Hashable, Sendable {
    public enum Op: String, Hashable, Sendable, CaseIterable {
        case eq = "==", ne = "!=", lt = "<", le = "<=", gt = ">", ge = ">="
        case contains = "~", notContains = "!~"
    }
    public enum Literal: Hashable, Sendable {
        case number(Int64)
        case text(String)
    }
    case compare(TableColumn, Op, Literal)
    case and(RowPredicate, RowPredicate)
    case or(RowPredicate, RowPredicate)
    case not(RowPredicate)

    public func matches(_ row: MapTable.Row) -> Bool {
        switch self {
        case .and(let a, let b): return a.matches(row) && b.matches(row)
        case .or(let a, let b): return a.matches(row) || b.matches(row)
        case .not(let a): return !a.matches(row)
        case .compare(let column, let op, let literal):
            let scalar = QueryScalar.of(row, column)
            switch op {
            case .contains, .notContains:
                let needle: String
                switch literal {
                case .number(let n): needle = String(n)
                case .text(let s): needle = s
                }
                let found = needle.isEmpty || scalar.text.contains(needle)
                return op == .contains ? found : !found
            default: break
            }
            let order: Int
            switch (scalar, literal) {
            case let (.number(x), .number(y)):
                let y = Int128(y)
                order = x == y ? 0 : (x < y ? -1 : 1)
            case (_, .number):
                // No number to compare with: only `!=` holds.
                return op == .ne
            case let (_, .text(s)):
                let x = scalar.text
                order = x == s ? 0 : (x.utf8.lexicographicallyPrecedes(s.utf8) ? -1 : 1)
            }
            switch op {
            case .eq: return order == 0
            case .ne: return order != 0
            case .lt: return order < 0
            case .le: return order <= 0
            case .gt: return order > 0
            case .ge: return order >= 0
            case .contains, .notContains: return false
            }
        }
    }

    /// Parses predicate text; never traps, whatever the input.
    public static func parse(_ text: String) -> Result<RowPredicate, PredicateError> {
        parse(text, columns: { TableColumn(name: $0) })
    }

    /// Parses predicate text naming the columns of `table` (also its `valueNames`).
    public static func parse(_ text: String, for table: MapTable) -> Result<RowPredicate, PredicateError> {
        parse(text, columns: { TableColumn(name: $0, in: table) })
    }

    static func parse(
        _ text: String, columns: @escaping (String) -> TableColumn?
    ) -> Result<RowPredicate, PredicateError> {
        var parser = PredicateParser(Array(text), columns: columns)
        do {
            let predicate = try parser.expression(depth: 0)
            parser.skipSpace()
            if parser.pos < parser.chars.count {
                throw PredicateError(offset: parser.pos, message: "expected 'and', 'or' or the end")
            }
            return .success(predicate)
        } catch let error as PredicateError {
            return .failure(error)
        } catch {
            return .failure(PredicateError(offset: 0, message: "\(error)"))
        }
    }
}

private struct PredicateParser {
    let chars: [Character]
    let columns: (String) -> TableColumn?
    var pos = 0
    static let maxDepth = 200

    init(_ chars: [Character], columns: @escaping (String) -> TableColumn?) {
        self.chars = chars
        self.columns = columns
    }

    mutating func skipSpace() {
        while pos < chars.count, chars[pos].isWhitespace { pos += 1 }
    }

    func isWordChar(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }

    /// A keyword (`and`, `or`, `not`) at the current position, not followed by a word char.
    mutating func keyword(_ word: String, symbol: String? = nil) -> Bool {
        skipSpace()
        if let symbol, matchSymbol(symbol) { return true }
        let w = Array(word)
        guard pos + w.count <= chars.count,
            Array(chars[pos..<pos + w.count]).map({ $0.lowercased() }) == w.map({ String($0) })
        else { return false }
        if pos + w.count < chars.count, isWordChar(chars[pos + w.count]) { return false }
        pos += w.count
        return true
    }

    mutating func matchSymbol(_ s: String) -> Bool {
        let w = Array(s)
        guard pos + w.count <= chars.count, Array(chars[pos..<pos + w.count]) == w else { return false }
        pos += w.count
        return true
    }

    mutating func expression(depth: Int) throws -> RowPredicate {
        var left = try conjunction(depth: depth)
        while keyword("or", symbol: "||") { left = .or(left, try conjunction(depth: depth)) }
        return left
    }

    mutating func conjunction(depth: Int) throws -> RowPredicate {
        var left = try unary(depth: depth)
        while keyword("and", symbol: "&&") { left = .and(left, try unary(depth: depth)) }
        return left
    }

    mutating func unary(depth: Int) throws -> RowPredicate {
        guard depth < Self.maxDepth else { throw PredicateError(offset: pos, message: "nested too deeply") }
        skipSpace()
        if keyword("not") { return .not(try unary(depth: depth + 1)) }
        if pos < chars.count, chars[pos] == "(" {
            pos += 1
            let inner = try expression(depth: depth + 1)
            skipSpace()
            guard pos < chars.count, chars[pos] == ")" else {
                throw PredicateError(offset: pos, message: "expected ')'")
            }
            pos += 1
            return inner
        }
        return try comparison()
    }

    mutating func comparison() throws -> RowPredicate {
        skipSpace()
        let start = pos
        while pos < chars.count, isWordChar(chars[pos]) { pos += 1 }
        let name = String(chars[start..<pos])
        if name.isEmpty {
            throw PredicateError(offset: start, message: "expected a column (value, key, key1, ...)")
        }
        guard let column = columns(name) else {
            throw PredicateError(offset: start, message: "unknown column '\(name)' (value, key, key1, ...)")
        }
        skipSpace()
        let opStart = pos
        var op: RowPredicate.Op?
        for candidate in ["==", "!=", "<=", ">=", "!~", "<", ">", "~", "="] where matchSymbol(candidate) {
            op = candidate == "=" ? .eq : RowPredicate.Op(rawValue: candidate)
            break
        }
        guard let op else {
            throw PredicateError(offset: opStart, message: "expected an operator (== != < <= > >= ~ !~)")
        }
        return .compare(column, op, try literal())
    }

    mutating func literal() throws -> RowPredicate.Literal {
        skipSpace()
        let start = pos
        guard pos < chars.count else { throw PredicateError(offset: pos, message: "expected a value") }
        let c = chars[pos]
        if c == "\"" {
            pos += 1
            var text = ""
            while pos < chars.count {
                let c = chars[pos]
                if c == "\"" {
                    pos += 1
                    return .text(text)
                }
                if c == "\\" {
                    pos += 1
                    guard pos < chars.count else { break }
                    switch chars[pos] {
                    case "n": text.append("\n")
                    case "t": text.append("\t")
                    default: text.append(chars[pos])
                    }
                } else {
                    text.append(c)
                }
                pos += 1
            }
            throw PredicateError(offset: start, message: "unterminated string")
        }
        if c == "-" || c.isASCII && c.isNumber {
            var end = pos
            if chars[end] == "-" { end += 1 }
            let digitsStart = end
            while end < chars.count, chars[end].isASCII, chars[end].isNumber { end += 1 }
            if end > digitsStart {
                var multiplier: Int64 = 1
                var suffixEnd = end
                if end < chars.count {
                    switch chars[end] {
                    case "K", "k":
                        multiplier = 1 << 10
                        suffixEnd += 1
                    case "M", "m":
                        multiplier = 1 << 20
                        suffixEnd += 1
                    case "G", "g":
                        multiplier = 1 << 30
                        suffixEnd += 1
                    default: break
                    }
                }
                if suffixEnd < chars.count, isWordChar(chars[suffixEnd]) {
                    throw PredicateError(
                        offset: suffixEnd, message: "unexpected character after a number (suffixes: K, M, G)")
                }
                guard let base = Int64(String(chars[pos..<end])) else {
                    throw PredicateError(offset: start, message: "number out of range")
                }
                let (product, overflow) = base.multipliedReportingOverflow(by: multiplier)
                if overflow { throw PredicateError(offset: start, message: "number out of range") }
                pos = suffixEnd
                return .number(product)
            }
        }
        while pos < chars.count,
            isWordChar(chars[pos]) || chars[pos] == "." || chars[pos] == "/" || chars[pos] == ":" || chars[pos] == "-"
        {
            pos += 1
        }
        if pos == start { throw PredicateError(offset: start, message: "expected a value (a number or a \"string\")") }
        return .text(String(chars[start..<pos]))
    }
}
