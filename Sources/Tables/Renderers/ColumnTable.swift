/// A table shown as columns, keeping its row order: one column per key part and one for the
/// value. `top`, `sort` and `where` print their results this way, largest first where they
/// sorted so.
public enum ColumnTable {
    public static func render(_ table: MapTable) -> String {
        let (headers, rows) = columns(table)
        return ColumnText.render(headers: headers, rows: rows)
    }

    /// The headers and cell texts the columns are made of (also a notebook's Markdown table).
    public static func columns(_ table: MapTable) -> (headers: [String], rows: [[String]]) {
        let keyWidth = table.rows.map(\.key.count).max() ?? 0
        let keyHeaders = keyWidth == 0 ? [] : (keyWidth == 1 ? ["key"] : (1...keyWidth).map { "key\($0)" })
        let rows = table.rows.map { row -> [String] in
            let key = row.key.map(ValueText.singleLine)
            return key + Array(repeating: "", count: keyWidth - key.count) + [TableJoin.cellText(row.cell)]
        }
        return (keyHeaders + [table.name], rows)
    }
}
