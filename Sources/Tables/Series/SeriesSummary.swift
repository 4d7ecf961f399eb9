/// `top` of a series: one row per key (its time left out) with its value at the last sample,
/// its peak, and a sparkline of every sample, ranked by the last value. "Is it getting
/// worse?" reads off the trend column.
public enum SeriesSummary {
    public static let valueNames = ["last", "peak", "trend"]

    /// Every key of `table` (a series) as a summary row, in the order keys first appear.
    public static func summary(_ table: MapTable, sparklineWidth: Int = 40) -> MapTable {
        let rows = TableSeries.lines(table).map { line -> MapTable.Row in
            let exact = line.cells.map(integer(of:))
            let trend = Sparkline.render(line.cells.map(TableSeries.number), width: sparklineWidth)
            return MapTable.Row(
                key: line.key,
                cell: .value(.tuple([.int(exact.last ?? 0), .int(exact.max() ?? 0), .symbol(trend)])))
        }
        var keyNames = Array(table.keyNames.dropFirst())
        if keyNames == TableColumn.defaultKeyNames(width: keyNames.count) { keyNames = [] }
        return MapTable(
            name: table.name, rows: rows, valueNames: valueNames, capture: table.capture, keyNames: keyNames)
    }

    /// The `n` keys with the largest last value (or by `column` of the summary).
    public static func top(_ table: MapTable, n: Int, by column: TableColumn?, ascending: Bool) -> MapTable {
        var by = column ?? .valuePart(0)
        if by == .value { by = .valuePart(0) }
        return TableQuery.top(summary(table), n: n, by: by, ascending: ascending)
    }

    /// A summary column resolved by name (`last`, `peak`, `value` for last, or a key).
    public static func column(_ name: String, of table: MapTable) -> TableColumn? {
        TableColumn(name: name, in: summary(table.with(rows: [])))
    }

    /// A sample's number; a key missing at a sample counts as zero there.
    static func integer(of cell: Cell?) -> Int64 {
        guard let cell, case .number(let n) = QueryScalar(cell) else { return 0 }
        return Int64(clamping: n)
    }
}
