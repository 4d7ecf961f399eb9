/// A computed column of `select`: integers and column names with `+ - * / %` and
/// parentheses, e.g. `value / 1000` or `(key2 - key1) * 2`. Evaluated per row in exact
/// integer arithmetic; a column without a number, or a division by zero, gives no value.
public indirect enum ColumnExpression: Hashable, Sendable {
    case column(String, offset: Int)
    case number(Int64)
    case binary(Character, ColumnExpression, ColumnExpression)

    /// The column names the expression uses, with their offsets, for checking against a table.
    public var columns: [(name: String, offset: Int)] {
        switch self {
        case .column(let name, let offset): return [(name, offset)]
        case .number: return []
        case .binary(_, let a, let b): return a.columns + b.columns
        }
    }

    /// Parses `text` (starting at `offset` in the statement).
    public static func parse(_ text: String, offset: Int) -> Result<ColumnExpression, QueryError> {
        var parser = ExpressionParser(chars: Array(text), base: offset)
        do {
            let expression = try parser.sum(depth: 0)
            parser.skipSpace()
            if parser.pos < parser.chars.count {
                throw QueryError(offset: offset + parser.pos, message: "expected an operator (+ - * / %) or the end")
            }
            return .success(expression)
        } catch let error as QueryError {
            return .failure(error)
        } catch {
            return .failure(QueryError(offset: offset, message: "\(error)"))
        }
    }

    /// The expression's value on `row`, with columns already resolved in `resolved`.
    func evaluate(_ row: MapTable.Row, _ resolved: [String: TableColumn]) -> Value {
        switch self {
        case .number(let n): return .int(n)
        case .column(let name, _):
            guard let column = resolved[name] else { return .none }
            return Self.value(of: QueryScalar.of(row, column))
        case .binary(let op, let a, let b):
            guard case .number(let x) = Self.scalar(a.evaluate(row, resolved)),
                case .number(let y) = Self.scalar(b.evaluate(row, resolved))
            else { return .none }
            let result: Int128?
            switch op {
            case "+": result = x + y
            case "-": result = x - y
            case "*": result = x.multipliedReportingOverflow(by: y).overflow ? nil : x * y
            case "/": result = y == 0 ? nil : x / y
            default: result = y == 0 ? nil : x % y
            }
            return result.map { .int(Int64(clamping: $0)) } ?? .none
        }
    }

    static func scalar(_ value: Value) -> QueryScalar { QueryScalar(value) }

    /// A scalar back as a value: numbers as signed or (above `Int64.max`) unsigned integers.
    static func value(of scalar: QueryScalar) -> Value {
        switch scalar {
        case .none: return .none
        case .number(let n):
            return n >= 0 && n > Int128(Int64.max) ? .uint(UInt64(clamping: n)) : .int(Int64(clamping: n))
        case .text(let s): return .string(s)
        case .list(let items): return .tuple(items.map(value(of:)))
        }
    }
}

private struct ExpressionParser {
    let chars: [Character]
    let base: Int
    var pos = 0

    mutating func skipSpace() {
        while pos < chars.count, chars[pos].isWhitespace { pos += 1 }
    }

    mutating func sum(depth: Int) throws -> ColumnExpression {
        var left = try product(depth: depth)
        while true {
            skipSpace()
            guard pos < chars.count, chars[pos] == "+" || chars[pos] == "-" else { return left }
            let op = chars[pos]
            pos += 1
            left = .binary(op, left, try product(depth: depth))
        }
    }

    mutating func product(depth: Int) throws -> ColumnExpression {
        var left = try factor(depth: depth)
        while true {
            skipSpace()
            guard pos < chars.count, "*/%".contains(chars[pos]) else { return left }
            let op = chars[pos]
            pos += 1
            left = .binary(op, left, try factor(depth: depth))
        }
    }

    mutating func factor(depth: Int) throws -> ColumnExpression {
        guard depth < 100 else { throw QueryError(offset: base + pos, message: "nested too deeply") }
        skipSpace()
        guard pos < chars.count else {
            throw QueryError(offset: base + pos, message: "expected a column or a number")
        }
        let start = pos
        if chars[pos] == "(" {
            pos += 1
            let inner = try sum(depth: depth + 1)
            skipSpace()
            guard pos < chars.count, chars[pos] == ")" else {
                throw QueryError(offset: base + pos, message: "expected ')'")
            }
            pos += 1
            return inner
        }
        if chars[pos].isASCII, chars[pos].isNumber {
            while pos < chars.count, chars[pos].isASCII, chars[pos].isNumber { pos += 1 }
            var multiplier: Int64 = 1
            if pos < chars.count,
                let m = ["K": Int64(1) << 10, "M": 1 << 20, "G": 1 << 30][String(chars[pos]).uppercased()]
            {
                multiplier = m
                pos += 1
            }
            guard let n = Int64(String(chars[start..<pos].filter(\.isNumber))),
                !n.multipliedReportingOverflow(by: multiplier).overflow
            else { throw QueryError(offset: base + start, length: pos - start, message: "number out of range") }
            return .number(n * multiplier)
        }
        while pos < chars.count, chars[pos].isLetter || chars[pos].isNumber || chars[pos] == "_" { pos += 1 }
        guard pos > start else {
            throw QueryError(offset: base + start, message: "expected a column or a number, not '\(chars[start])'")
        }
        return .column(String(chars[start..<pos]), offset: base + start)
    }
}
