/// Renders rows of text as aligned columns with a header, the way the shell lists probes,
/// maps and jobs. Numeric-looking columns are right-aligned. A cell holding line breaks (a
/// stack, one frame per line) spans several lines; the row's other cells sit on its first.
public enum ColumnText {
    public static func render(headers: [String], rows: [[String]]) -> String {
        let columns = headers.count
        let split = rows.map { row in row.map { $0.split(separator: "\n", omittingEmptySubsequences: false) } }
        var widths = headers.map(\.count)
        for row in split {
            for (index, cell) in row.prefix(columns).enumerated() {
                widths[index] = max(widths[index], cell.map(\.count).max() ?? 0)
            }
        }
        // A column is numeric (right-aligned) when every non-empty cell is a number.
        let numeric = (0..<columns).map { column in
            let cells = rows.compactMap { column < $0.count && !$0[column].isEmpty ? $0[column] : nil }
            return !cells.isEmpty
                && cells.allSatisfy { cell in cell.allSatisfy { $0.isNumber || $0 == "." || $0 == "-" } }
        }
        func line(_ cells: [Substring]) -> String {
            var parts: [String] = []
            for index in 0..<columns {
                let cell = index < cells.count ? String(cells[index]) : ""
                let pad = String(repeating: " ", count: widths[index] - cell.count)
                let last = index == columns - 1
                parts.append(numeric[index] ? pad + cell : (last ? cell : cell + pad))
            }
            var text = parts.joined(separator: "  ")
            while text.last == " " { text.removeLast() }
            return text
        }
        var text = line(headers.map { Substring($0) }) + "\n"
        for row in split {
            let height = row.map(\.count).max() ?? 1
            for lineIndex in 0..<max(1, height) {
                text += line(row.map { lineIndex < $0.count ? $0[lineIndex] : "" }) + "\n"
            }
        }
        return text
    }
}
