import Foundation

/// Keeps a notebook file up to date while the session runs (`--notebook FILE.md`, `notebook
/// FILE.ipynb`): rewritten atomically after every statement, so it is complete up to the last
/// statement even if the session is killed. The extension chooses Markdown or Jupyter. A failed
/// write (a full disk) is reported at once and tried again after the next statement.
public final class NotebookWriter {
    public enum Format { case markdown, jupyter }
    public var path: String { file.path }
    private let file: TranscriptFile
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
        file = TranscriptFile(path: path, kind: .notebook)
        notebook = Notebook(title: title, header: header)
        directory = URL(fileURLWithPath: path).deletingLastPathComponent().standardizedFileURL.path
        try SafeFileWriter.write(try rendered(), to: path, force: force)
    }

    /// Adds the event to the notebook and rewrites the file when a statement ends; returns what
    /// to tell the user when the file could not be written, or could again.
    func observe(_ event: ShellEvent) -> TranscriptReport? {
        if waitingForStatementEnd {
            if case .statementEnded = event { waitingForStatementEnd = false }
            return nil
        }
        // Starting and stopping notebooks is not part of the investigation they record.
        if case .statementStarted(let statement, _) = event, StatementClassifier.words(statement).first == "notebook" {
            waitingForStatementEnd = true
            return nil
        }
        notebook.add(event, relativePath: { [directory] in NotebookWriter.beside(directory, $0) })
        guard case .statementEnded = event, let data = try? rendered() else { return nil }
        return file.write(data, entries: notebook.cells.count)
    }

    /// The last write: throws a `TranscriptReport` unless the file holds every statement.
    func finish() throws { try file.finish(try rendered(), entries: notebook.cells.count) }

    private func rendered() throws -> Data {
        switch format {
        case .markdown: return Data(MarkdownNotebook.render(notebook).utf8)
        case .jupyter: return try JupyterNotebook.render(notebook) + Data("\n".utf8)
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
