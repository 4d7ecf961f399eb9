/// Puts two or more tables side by side by key: each key that appears in any table becomes
/// one row, with one value column per table (empty where a table lacks the key). For
/// example reads and writes per process, from two probes' maps.
public enum TableJoin {
    public struct Joined: Hashable, Sendable {
        public var headers: [String]
        public var rows: [[String]]
    }

    public static func join(_ tables: [MapTable]) -> Joined {
        var order: [[Value]] = []
        var seen = Set<[Value]>()
        for table in tables {
            for row in table.rows where seen.insert(row.key).inserted { order.append(row.key) }
        }
        let keyWidth = order.map(\.count).max() ?? 0
        let keyHeaders = keyWidth <= 1 ? ["key"] : (0..<keyWidth).map { "key\($0 + 1)" }
        var rows: [[String]] = []
        for key in order {
            var row = key.map(ValueText.keyPart)
            row += Array(repeating: "", count: max(0, keyHeaders.count - row.count))
            for table in tables {
                row.append(table.rows.first { $0.key == key }.map { cellText($0.cell) } ?? "")
            }
            rows.append(row)
        }
        // Largest first by the first table's value, as `top` would show it.
        rows.sort { a, b in
            let x = Int64(a[keyHeaders.count]) ?? Int64.min, y = Int64(b[keyHeaders.count]) ?? Int64.min
            return x != y ? x > y : a.lexicographicallyPrecedes(b)
        }
        return Joined(headers: keyHeaders + tables.map(\.name), rows: rows)
    }

    public static func render(_ tables: [MapTable]) -> String {
        let joined = join(tables)
        return ColumnText.render(headers: joined.headers, rows: joined.rows)
    }

    /// One cell as a single line of text.
    public static func cellText(_ cell: Cell) -> String {
        if let number = CellNumber.scaled(cell) { return number }
        switch cell {
        case .count, .sum, .min, .max, .avg: return ""
        case .stats(let total, let count):
            return "count \(count), average \(RowOrder.average(total: total, count: count)), total \(total)"
        case .histogram(let h): return "hist(\(h.buckets.values.reduce(0, +)) values)"
        case .timeSeries(let s): return "tseries(\(s.points.count) intervals, last \(s.latest.map(String.init) ?? "-"))"
        case .value(let value): return ValueText.singleLine(value)
        }
    }
}

extension TableJoin {
    /// The join as a table for further stages: every key of any table once (in order of
    /// appearance), one value column per table named after it without its `@`, holding the
    /// table's number for that key (a histogram's count) or nothing where it lacks the key.
    public static func table(_ tables: [MapTable]) -> MapTable {
        var order: [[Value]] = []
        var seen = Set<[Value]>()
        var lookups: [[[Value]: Cell]] = []
        for table in tables {
            var lookup: [[Value]: Cell] = [:]
            for row in table.rows where lookup[row.key] == nil { lookup[row.key] = row.cell }
            lookups.append(lookup)
            for row in table.rows where seen.insert(row.key).inserted { order.append(row.key) }
        }
        let names = tables.map { $0.name.hasPrefix("@") ? String($0.name.dropFirst()) : $0.name }
        let rows = order.map { key in
            MapTable.Row(
                key: key,
                cell: .value(
                    .tuple(lookups.map { $0[key].map { ColumnExpression.value(of: QueryScalar($0)) } ?? .none })))
        }
        return MapTable(
            name: tables.first?.name ?? "join", rows: rows, valueNames: names, capture: tables.first?.capture)
    }
}
