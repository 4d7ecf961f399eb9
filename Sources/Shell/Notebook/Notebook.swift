import Tables

/// A session as a notebook: a header (kernel, host, time) and one cell per statement with
/// what it printed. Built from shell events; rendered as Markdown or as a Jupyter notebook.
public struct Notebook {
    public enum Output: Equatable {
        case text(String)
        case error(String)
        case table(headers: [String], rows: [[String]], text: String)
        /// A file the statement wrote, relative to the notebook (flame graphs are shown).
        case file(String)
    }

    public struct Cell: Equatable {
        public var source: String
        public var outputs: [Output] = []
        public var succeeded = true
    }

    public var title: String
    /// Lines under the title: kernel, host, start time.
    public var header: [String]
    public var cells: [Cell] = []

    public init(title: String, header: [String]) {
        self.title = title
        self.header = header
    }

    /// Adds an event; text runs are merged so a cell's output reads as it printed.
    public mutating func add(_ event: ShellEvent, relativePath: (String) -> String = { $0 }) {
        switch event {
        case .statementStarted(let statement, _):
            cells.append(Cell(source: statement))
        case .output(let text), .errorOutput(let text), .probeOutput(let text, _), .notice(let text),
            .warning(let text):
            append(.text(text))
        case .error(let report):
            append(.error(report.message))
        case .histogram(let histograms):
            append(.text(histograms.text))
        case .table(let table):
            let (headers, rows) = table.textColumns
            append(.table(headers: headers, rows: rows, text: table.text))
        case .file(let path):
            append(.file(relativePath(path)))
        case .statementEnded(_, let status, _):
            if !cells.isEmpty { cells[cells.count - 1].succeeded = status.succeeded }
        }
    }

    private mutating func append(_ output: Output) {
        // Probe output before any statement gets a cell of its own.
        if cells.isEmpty { cells.append(Cell(source: "")) }
        var outputs = cells[cells.count - 1].outputs
        switch (outputs.last, output) {
        case (.text(let a)?, .text(let b)): outputs[outputs.count - 1] = .text(a + b)
        case (.error(let a)?, .error(let b)): outputs[outputs.count - 1] = .error(a + b)
        default: outputs.append(output)
        }
        cells[cells.count - 1].outputs = outputs
    }
}
