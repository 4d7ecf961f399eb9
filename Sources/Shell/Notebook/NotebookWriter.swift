import Foundation

/// Keeps a notebook file up to date while the session runs (`--notebook FILE.md`, `notebook
/// FILE.ipynb`): rewritten atomically after every statement, so it is complete up to the last
/// statement even if the session is killed. The extension chooses Markdown or Jupyter.
public final class NotebookWriter {
    public enum Format { case markdown, jupyter }
    public let path: String
    let format: Format
    var notebook: Notebook
    private let directory: String
    /// Started by a `notebook` statement: its own output and end are not part of the notebook.
    private var waitingForStatementEnd: Bool

    public init(path: String, force: Bool, title: String, header: [String], startedInsideStatement: Bool = false) throws
    {
        waitingForStatementEnd = startedInsideStatement
        if path.hasSuffix(".md") {
            format = .markdown
        } else if path.hasSuffix(".ipynb") {
            format = .jupyter
        } else {
            throw CommandError("\(path): name the notebook .md (Markdown) or .ipynb (Jupyter)")
        }
        self.path = path
        notebook = Notebook(title: title, header: header)
        directory = URL(fileURLWithPath: path).deletingLastPathComponent().standardizedFileURL.path
        try write(force: force)
    }

    func observe(_ event: ShellEvent) {
        if waitingForStatementEnd {
            if case .statementEnded = event { waitingForStatementEnd = false }
            return
        }
        // Starting and stopping notebooks is not part of the investigation they record.
        if case .statementStarted(let statement, _) = event, StatementClassifier.words(statement).first == "notebook" {
            waitingForStatementEnd = true
            return
        }
        notebook.add(event, relativePath: { [directory] in NotebookWriter.beside(directory, $0) })
        if case .statementEnded = event { try? write(force: true) }
    }

    func finish() { try? write(force: true) }

    private func write(force: Bool) throws {
        switch format {
        case .markdown: try SafeFileWriter.write(MarkdownNotebook.render(notebook), to: path, force: force)
        case .jupyter:
            let data = try JupyterNotebook.render(notebook)
            try SafeFileWriter.write(String(decoding: data, as: UTF8.self) + "\n", to: path, force: force)
        }
    }

    /// A written file as the notebook links it: relative when it lies in the notebook's folder
    /// (or below), otherwise copied beside the notebook so the document keeps working.
    static func beside(_ directory: String, _ path: String) -> String {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        if absolute.hasPrefix(directory + "/") { return String(absolute.dropFirst(directory.count + 1)) }
        let name = URL(fileURLWithPath: absolute).lastPathComponent
        let copy = directory + "/" + name
        if !FileManager.default.fileExists(atPath: copy) {
            try? FileManager.default.copyItem(atPath: absolute, toPath: copy)
        }
        return name
    }
}
