/// A column of a map table that queries sort and filter by.
///
/// - `value`: the cell's number: count, sum, min, max, the (truncated) average of avg/stats,
///   a histogram's total count, an integer `@x = v`; other plain values (strings, stacks,
///   tuples) compare by their text.
/// - `key`: the whole key, part by part.
/// - `key1`, `key2`, ...: one part of a tuple key (1-based); a missing part is empty.
public enum TableColumn: Hashable, Sendable {
    case value
    case key
    /// 1-based key part.
    case keyPart(Int)
    /// 0-based value column of a table with several (`MapTable.valueNames`).
    case valuePart(Int)

    /// `value`, `key`, `key1`, `key2`, ...; nil for anything else.
    public init?(name: String) {
        switch name {
        case "value": self = .value
        case "key": self = .key
        default:
            guard name.hasPrefix("key"), let n = Int(name.dropFirst(3)), n >= 1 else { return nil }
            self = .keyPart(n)
        }
    }

    public var name: String {
        switch self {
        case .value: return "value"
        case .key: return "key"
        case .keyPart(let n): return "key\(n)"
        case .valuePart(let n): return "value\(n + 1)"
        }
    }

    /// A column of `table` by name: `value`, `key`, `keyN` or one of its `valueNames`; in a
    /// table with named keys (a series: `time_ms`, `key`), only those names.
    public init?(name: String, in table: MapTable) {
        if let index = table.valueNames.firstIndex(of: name) {
            self = .valuePart(index)
        } else if !table.keyNames.isEmpty {
            if let index = table.keyNames.firstIndex(of: name) {
                self = .keyPart(index + 1)
            } else if name == "value" {
                self = .value
            } else {
                return nil
            }
        } else if let column = TableColumn(name: name) {
            self = column
        } else {
            return nil
        }
    }

    /// The names a query may use for `table`'s columns, for completion and error messages.
    public static func names(of table: MapTable) -> [String] {
        if !table.keyNames.isEmpty { return table.keyNames + ["value"] + table.valueNames }
        let width = table.rows.map(\.key.count).max() ?? 0
        let keys = width == 0 ? [] : ["key"] + (width > 1 ? (1...width).map { "key\($0)" } : [])
        return keys + ["value"] + table.valueNames
    }

    /// The key column headers of a map whose keys have `width` parts: `key`, or `key1`, `key2`...
    public static func defaultKeyNames(width: Int) -> [String] {
        width == 0 ? [] : (width == 1 ? ["key"] : (1...width).map { "key\($0)" })
    }

    /// The header of every key part of `table`, named or default.
    public static func keyHeaders(of table: MapTable) -> [String] {
        let width = table.rows.map(\.key.count).max() ?? 0
        if !table.keyNames.isEmpty {
            return (0..<max(width, table.keyNames.count)).map {
                $0 < table.keyNames.count ? table.keyNames[$0] : "key\($0 + 1)"
            }
        }
        return defaultKeyNames(width: width)
    }
}

extension MapTable {
    /// The table after a stage made new keys out of `columns` (`group by`, `select`): their
    /// names carry over from named keys, and it stays a series only while `time_ms` leads.
    func rekeyed(by columns: [TableColumn]) -> MapTable {
        var result = self
        guard !keyNames.isEmpty else {
            result.series = nil
            return result
        }
        let names = columns.flatMap { column -> [String] in
            switch column {
            case .key: return keyNames
            case .keyPart(let n): return [n <= keyNames.count ? keyNames[n - 1] : "key\(n)"]
            case .value, .valuePart: return [column.name]
            }
        }
        let keepsTime = series != nil && names.first == SeriesInfo.timeColumn
        result.series = keepsTime ? series : nil
        result.keyNames = names == TableColumn.defaultKeyNames(width: names.count) ? [] : names
        return result
    }
}

/// A sortable, comparable view of a column's content. Numbers (signed and unsigned alike,
/// held exactly as `Int128`) sort before text, which sorts bytewise; lists (tuple keys)
/// compare element by element; `none` sorts first.
enum QueryScalar: Comparable {
    case none
    case number(Int128)
    case text(String)
    case list([QueryScalar])

    private var rank: Int {
        switch self {
        case .none: return 0
        case .number: return 1
        case .text: return 2
        case .list: return 3
        }
    }

    static func < (a: QueryScalar, b: QueryScalar) -> Bool {
        switch (a, b) {
        case let (.number(x), .number(y)): return x < y
        case let (.text(x), .text(y)): return x.utf8.lexicographicallyPrecedes(y.utf8)
        case let (.list(x), .list(y)): return x.lexicographicallyPrecedes(y)
        case (.none, .none): return false
        default: return a.rank < b.rank
        }
    }

    /// The text a `~` (contains) or string `==` compares against.
    var text: String {
        switch self {
        case .none: return ""
        case .number(let n): return String(n)
        case .text(let s): return s
        case .list(let items): return items.map(\.text).joined(separator: ", ")
        }
    }

    init(_ value: Value) {
        switch value {
        case .int(let n): self = .number(Int128(n))
        case .uint(let n), .pointer(let n): self = .number(Int128(n))
        case .string(let s), .symbol(let s): self = .text(s)
        case .bytes(let bytes): self = .text(ValueText.escaped(bytes))
        case .enumValue(let n, let name): self = name.map { .text($0) } ?? .number(Int128(n))
        case .stack(let frames): self = .text(frames.joined(separator: ";"))
        case .tuple(let items), .record(_, let items), .array(let items): self = .list(items.map(QueryScalar.init))
        case .none: self = .none
        }
    }

    init(_ cell: Cell) {
        switch cell {
        case .count(let n): self = .number(Int128(n))
        case .sum(let n), .min(let n), .max(let n): self = .number(Int128(n))
        case .avg(let total, let count), .stats(let total, let count):
            self = .number(count == 0 ? 0 : Int128(total) / Int128(count))
        case .histogram(let h):
            var total: Int128 = 0
            for c in h.buckets.values { total += Int128(c) }
            self = .number(total)
        case .timeSeries(let s): self = s.latest.map { .number(Int128($0)) } ?? .none
        case .value(let v): self = QueryScalar(v)
        }
    }

    static func of(_ row: MapTable.Row, _ column: TableColumn) -> QueryScalar {
        switch column {
        case .value: return QueryScalar(row.cell)
        case .key:
            if row.key.count == 1 { return QueryScalar(row.key[0]) }
            return .list(row.key.map(QueryScalar.init))
        case .keyPart(let n):
            if n <= row.key.count { return QueryScalar(row.key[n - 1]) }
            // A single tuple-valued key part: index into the tuple.
            if row.key.count == 1, case .tuple(let items) = row.key[0], n <= items.count {
                return QueryScalar(items[n - 1])
            }
            return .none
        case .valuePart(let n):
            if case .value(.tuple(let items)) = row.cell, n < items.count { return QueryScalar(items[n]) }
            return .none
        }
    }
}
