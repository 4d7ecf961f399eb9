/// Rows under headers as a GitHub-flavoured Markdown table (a notebook's tables). Numeric
/// columns are right-aligned as on the terminal.
public enum MarkdownTable {
    public static func render(headers: [String], rows: [[String]]) -> String {
        func cell(_ text: String) -> String {
            var escaped = ""
            for c in text {
                switch c {
                case "\\": escaped += "\\\\"
                case "|": escaped += "\\|"
                case "\n": escaped += " "
                default: escaped.append(c)
                }
            }
            return escaped
        }
        let numeric = headers.indices.map { column in
            let cells = rows.compactMap { column < $0.count && !$0[column].isEmpty ? $0[column] : nil }
            return !cells.isEmpty && cells.allSatisfy { Double($0) != nil }
        }
        var lines = ["| " + headers.map(cell).joined(separator: " | ") + " |"]
        lines.append("|" + numeric.map { $0 ? " ---: |" : " --- |" }.joined())
        for row in rows {
            let cells = headers.indices.map { $0 < row.count ? cell(row[$0]) : "" }
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
