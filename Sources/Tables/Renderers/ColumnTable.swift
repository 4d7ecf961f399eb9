/// A table shown as columns, keeping its row order: one column per key part and one for the
/// value. `top`, `sort` and `where` print their results this way, largest first where they
/// sorted so.
public enum ColumnTable {
    /// On a terminal a stack key shows one frame per line under its row, innermost first, in
    /// the last column: its frames can be as wide as they are without pushing the other
    /// headers past the terminal's edge (a wrapped header read as `key1` / `key2 @s`).
    public static func render(_ table: MapTable) -> String {
        let (headers, rows) = columns(table, stacksOnLines: true)
        let stackColumns = Set(
            table.rows.flatMap { row in
                row.key.indices.filter { if case .stack = row.key[$0] { return true } else { return false } }
            })
        guard !stackColumns.isEmpty else { return ColumnText.render(headers: headers, rows: rows) }
        let order =
            headers.indices.filter { !stackColumns.contains($0) } + headers.indices.filter(stackColumns.contains)
        return ColumnText.render(
            headers: order.map { headers[$0] }, rows: rows.map { row in order.map { $0 < row.count ? row[$0] : "" } })
    }

    /// The headers and cell texts the columns are made of (also a notebook's Markdown table,
    /// where a stack stays on one line, its frames joined by `;`).
    public static func columns(_ table: MapTable, stacksOnLines: Bool = false) -> (headers: [String], rows: [[String]])
    {
        let keyHeaders = TableColumn.keyHeaders(of: table)
        let keyWidth = keyHeaders.count
        let rows = table.rows.map { row -> [String] in
            let key = row.key.map { part -> String in
                if stacksOnLines, case .stack(let frames) = part, !frames.isEmpty {
                    return frames.joined(separator: "\n")
                }
                return ValueText.singleLine(part)
            }
            let padding = Array(repeating: "", count: keyWidth - key.count)
            // A query result with named value columns: one column per name.
            if !table.valueNames.isEmpty {
                guard case .value(.tuple(let items)) = row.cell else {
                    return key + padding + [TableJoin.cellText(row.cell)]
                        + Array(repeating: "", count: table.valueNames.count - 1)
                }
                return key + padding
                    + table.valueNames.indices.map { $0 < items.count ? TableJoin.cellText(.value(items[$0])) : "" }
            }
            return key + padding + [TableJoin.cellText(row.cell)]
        }
        return (keyHeaders + (table.valueNames.isEmpty ? [table.name] : table.valueNames), rows)
    }
}
