/// Renders rows of text as aligned columns with a header, the way the shell lists probes,
/// maps and jobs. Numeric-looking columns are right-aligned.
public enum ColumnText {
    public static func render(headers: [String], rows: [[String]]) -> String {
        let columns = headers.count
        var widths = headers.map(\.count)
        for row in rows {
            for (index, cell) in row.prefix(columns).enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        let numeric = (0..<columns).map { column in
            !rows.isEmpty && rows.allSatisfy { row in
                column < row.count && !row[column].isEmpty && row[column].allSatisfy { $0.isNumber || $0 == "." || $0 == "-" }
            }
        }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for index in 0..<columns {
                let cell = index < cells.count ? cells[index] : ""
                let pad = String(repeating: " ", count: widths[index] - cell.count)
                let last = index == columns - 1
                parts.append(numeric[index] ? pad + cell : (last ? cell : cell + pad))
            }
            return parts.joined(separator: "  ")
        }
        var text = line(headers) + "\n"
        for row in rows { text += line(row) + "\n" }
        return text
    }
}
