import Tables

/// What happens in a shell, as values. The terminal, the notebook writers, the recorder and the
/// machine protocol (`bpfsh --serve`) are each a rendering of these events, so a command works
/// the same in all of them: it reports a table as a table, a histogram as buckets and an error
/// with where it points, and each event also carries the text the terminal shows for it.
public enum ShellEvent: Equatable {
    /// `nested` for statements run by another (a sourced script, a tutorial step): a notebook
    /// shows them, a recording keeps only the outer statement that will run them again.
    case statementStarted(String, nested: Bool)
    /// A command's own text.
    case output(String)
    /// What a `!` command wrote to its standard error: shown as such, not a failure.
    case errorOutput(String)
    /// Text a running probe printed, with the probe it came from (nil when not known).
    case probeOutput(String, probe: String?)
    /// The shell's word while probes run: a probe's exit, lines the terminal did not show.
    case notice(String)
    /// Something to know that is not a failure of the statement (events lost, a full map).
    case warning(String)
    case table(ShellTable)
    case histogram(ShellHistograms)
    /// A file a command wrote (a flame graph the notebook links to).
    case file(String)
    case error(ShellErrorReport)
    case statementEnded(String, status: StatementStatus, nested: Bool)
}

/// How a statement ended.
public enum StatementStatus: String, Equatable, Sendable {
    case succeeded
    case failed
    /// Stopped early by Ctrl-C or an `interrupt` request (a `wait` cut short); not a failure.
    case interrupted

    public var succeeded: Bool { self != .failed }
}

extension ShellEvent {
    /// Where the terminal shows an event.
    public enum TerminalStream { case output, error, probe, notice }

    /// The text the terminal shows for the event and on which stream; nil for events that
    /// print nothing (statement boundaries, files: the command that wrote one says so).
    public var terminalText: (text: String, stream: TerminalStream)? {
        switch self {
        case .output(let text): return (text, .output)
        case .errorOutput(let text): return (text, .error)
        case .probeOutput(let text, _): return (text, .probe)
        case .notice(let text), .warning(let text): return (text, .notice)
        case .table(let table): return (ShellEvent.block(table.text), .output)
        case .histogram(let histograms): return (ShellEvent.block(histograms.text), .output)
        case .error(let report): return (report.message, .error)
        case .statementStarted, .statementEnded, .file: return nil
        }
    }

    /// Output of running probes rather than of the statement: never captured by `inspect`.
    var isProbeActivity: Bool {
        switch self {
        case .probeOutput, .notice, .warning: return true
        default: return false
        }
    }

    /// Text ending in a newline, as the terminal prints a command's output (nothing stays nothing).
    static func line(_ text: String) -> String { text.hasSuffix("\n") || text.isEmpty ? text : text + "\n" }

    /// A rendered table or histogram: always ends its last line.
    static func block(_ text: String) -> String { text.hasSuffix("\n") ? text : text + "\n" }
}
