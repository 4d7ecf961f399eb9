import Foundation
import Tables

/// A notebook in Jupyter's format (nbformat 4): a Markdown cell for the header, then one code
/// cell per statement whose outputs are streams (text, errors) and display data (tables as
/// Markdown with a plain-text fallback, flame graphs as linked images).
public enum JupyterNotebook {
    public static func render(_ notebook: Notebook) throws -> Data {
        var cells: [[String: Any]] = [
            [
                "cell_type": "markdown", "metadata": [String: Any](),
                "source": lines("# \(notebook.title)\n\n" + notebook.header.map { "- \($0)" }.joined(separator: "\n")),
            ]
        ]
        var count = 0
        for cell in notebook.cells {
            count += 1
            let outputs: [[String: Any]] = cell.outputs.map { output in
                switch output {
                case .text(let text):
                    return ["output_type": "stream", "name": "stdout", "text": lines(text)]
                case .error(let text):
                    return ["output_type": "stream", "name": "stderr", "text": lines(text)]
                case .table(let headers, let rows, let text):
                    return [
                        "output_type": "display_data", "metadata": [String: Any](),
                        "data": [
                            "text/markdown": lines(MarkdownTable.render(headers: headers, rows: rows)),
                            "text/plain": lines(text),
                        ],
                    ]
                case .file(let path):
                    let link = path.hasSuffix(".svg") ? "![\(path)](\(path))" : "[\(path)](\(path))"
                    return [
                        "output_type": "display_data", "metadata": [String: Any](),
                        "data": ["text/markdown": lines(link), "text/plain": lines(path)],
                    ]
                }
            }
            cells.append([
                "cell_type": "code", "execution_count": count, "metadata": [String: Any](),
                "source": lines(cell.source), "outputs": outputs,
            ])
        }
        let document: [String: Any] = [
            "nbformat": 4, "nbformat_minor": 4,
            // The kernelspec lets JupyterLab (and nbclient) rerun the transcript with the bpfsh kernel.
            "metadata": [
                "kernelspec": ["name": "bpfsh", "display_name": "bpfsh", "language": "bpfsh"],
                "language_info": ["name": "bpfsh", "file_extension": ".bpfsh"], "title": notebook.title,
            ],
            "cells": cells,
        ]
        return try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys])
    }

    /// Jupyter stores multi-line text as a list of lines, each keeping its newline.
    static func lines(_ text: String) -> [String] {
        var result: [String] = []
        var current = ""
        for c in text {
            current.append(c)
            if c == "\n" {
                result.append(current)
                current = ""
            }
        }
        if !current.isEmpty { result.append(current) }
        return result
    }
}
