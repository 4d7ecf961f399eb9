import Tables

/// A notebook as a Markdown document: each statement in a fenced `bpfsh` block, its output
/// below (text blocks, Markdown tables, linked flame graphs).
public enum MarkdownNotebook {
    public static func render(_ notebook: Notebook) -> String {
        var out = "# \(notebook.title)\n\n" + notebook.header.map { "- \($0)" }.joined(separator: "\n") + "\n"
        for (index, cell) in notebook.cells.enumerated() {
            out += "\n"
            if !cell.source.isEmpty {
                out +=
                    "### [\(index + 1)]" + (cell.succeeded ? "" : " (failed)") + "\n\n"
                    + fence(cell.source, language: "bpfsh")
            }
            for output in cell.outputs {
                out += "\n"
                switch output {
                case .text(let text): out += fence(text, language: "text")
                case .error(let text): out += fence(text, language: "console")
                case .table(let headers, let rows, _): out += MarkdownTable.render(headers: headers, rows: rows)
                case .file(let path):
                    out += path.hasSuffix(".svg") ? "![\(path)](\(path))\n" : "[\(path)](\(path))\n"
                }
            }
        }
        return out
    }

    /// A fenced block long enough that no backtick run inside it can close it.
    static func fence(_ text: String, language: String) -> String {
        var longest = 0, run = 0
        for c in text {
            run = c == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        let marker = String(repeating: "`", count: max(3, longest + 1))
        return marker + language + "\n" + text + (text.hasSuffix("\n") ? "" : "\n") + marker + "\n"
    }
}
