/// `group by`: collapses rows that share some key parts into one row per distinct value of
/// those parts (`@x[pid, comm]` grouped by `key2` gives one row per comm), in the order each
/// group first appears. The function says what a group's cell is:
/// - `sum`: counts add up as a count, histograms of one kind merge bucket by bucket, other
///   numbers add up as a sum;
/// - `count`: how many rows the group has;
/// - `avg`: the average of the rows' values; `min` / `max`: the smallest / largest.
/// A table with several value columns (`select`, `join`) is reduced column by column.
public enum TableGroup {
    public enum Function: String, Hashable, Sendable, CaseIterable {
        case sum, count, avg, min, max
    }

    public static func group(_ table: MapTable, by columns: [TableColumn], function: Function) -> MapTable {
        var order: [[Value]] = []
        var groups: [[Value]: [Cell]] = [:]
        for row in table.rows {
            let key = columns.flatMap { keyValues(row, $0) }
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(row.cell)
        }
        var result = table.rekeyed(by: columns)
        result.rows = order.map { MapTable.Row(key: $0, cell: reduce(groups[$0] ?? [], function)) }
        return result
    }

    /// The values a column contributes to a group's key.
    static func keyValues(_ row: MapTable.Row, _ column: TableColumn) -> [Value] {
        switch column {
        case .key: return row.key
        case .keyPart(let n):
            if n <= row.key.count { return [row.key[n - 1]] }
            if row.key.count == 1, case .tuple(let items) = row.key[0], n <= items.count { return [items[n - 1]] }
            return [.none]
        case .value, .valuePart: return [ColumnExpression.value(of: QueryScalar.of(row, column))]
        }
    }

    static func reduce(_ cells: [Cell], _ function: Function) -> Cell {
        if function == .count { return .count(UInt64(cells.count)) }
        if function == .sum, let merged = mergedHistogram(cells) { return .histogram(merged) }
        // Several value columns: reduce each position.
        if case .value(.tuple(let first)) = cells.first {
            let width = first.count
            let columns = (0..<width).map { index -> Value in
                let numbers = cells.compactMap { cell -> Int128? in
                    guard case .value(.tuple(let items)) = cell, index < items.count,
                        case .number(let n) = QueryScalar(items[index])
                    else { return nil }
                    return n
                }
                guard let value = reduce(numbers, function) else { return .none }
                return .int(Int64(clamping: value))
            }
            return .value(.tuple(columns))
        }
        let numbers = cells.compactMap { cell -> Int128? in
            if case .number(let n) = QueryScalar(cell) { return n }
            return nil
        }
        let allCounts = cells.allSatisfy { if case .count = $0 { return true } else { return false } }
        switch function {
        case .sum:
            let total = numbers.reduce(0, +)
            return allCounts ? .count(UInt64(clamping: total)) : .sum(Int64(clamping: total))
        case .avg:
            return .avg(total: Int64(clamping: numbers.reduce(0, +)), count: UInt64(numbers.count))
        case .min: return .min(Int64(clamping: numbers.min() ?? 0))
        case .max: return .max(Int64(clamping: numbers.max() ?? 0))
        case .count: return .count(UInt64(cells.count))
        }
    }

    private static func reduce(_ numbers: [Int128], _ function: Function) -> Int128? {
        guard !numbers.isEmpty else { return nil }
        switch function {
        case .sum: return numbers.reduce(0, +)
        case .count: return Int128(numbers.count)
        case .avg: return numbers.reduce(0, +) / Int128(numbers.count)
        case .min: return numbers.min()
        case .max: return numbers.max()
        }
    }

    /// The histograms merged, when every cell is a histogram of the same kind.
    private static func mergedHistogram(_ cells: [Cell]) -> Histogram? {
        guard case .histogram(let first) = cells.first else { return nil }
        var merged = Histogram(kind: first.kind, buckets: [:])
        for cell in cells {
            guard case .histogram(let h) = cell, h.kind == first.kind else { return nil }
            for (index, count) in h.buckets { merged.buckets[index, default: 0] &+= count }
        }
        return merged
    }
}
