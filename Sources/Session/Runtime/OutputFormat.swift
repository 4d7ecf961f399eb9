import Tables

/// What a run or a session reports, as values: the terminal, bpftrace's JSON lines, and the
/// machine protocol or a notebook are each one rendering of the same events.
public enum OutputEvent {
    /// Text a probe produced: printf, cat, system, join.
    case printf(String)
    /// `time()`'s formatted wall-clock time.
    case time(String)
    /// `print(value)`.
    case value(Value)
    /// `print(@m, top, divisor)`.
    case map(MapTable, PrintOptions)
    /// A one-shot run attached this many attach points (current bpftrace says so then).
    case attached(Int)
    /// The maps printed when a one-shot run ends.
    case exitMaps([MapTable])
    /// Events the ring buffer refused.
    case lost(UInt64)
    /// Something the user should know that is not an error of the program (a full map).
    case warning(String)
    /// A line the program itself reports on standard error (errorf, warnf), as it is; a
    /// warning is dropped under `--no-warnings`.
    case report(String, isWarning: Bool)
    /// `-k`: a probe read failed; the text as bpftrace writes it (place, message, source line,
    /// underline), and the facts its JSON output gives (`"type": "helper_error"`).
    case helperError(text: String, message: String, helper: String, code: Int64, file: String, line: Int, column: Int)
}

/// Receives a session's output events.
public protocol OutputSink: AnyObject {
    func emit(_ event: OutputEvent)
}

/// bpftrace's text output: probe text to `output`, losses and warnings to `errors`.
public final class TextOutputSink: OutputSink {
    let output: (String) -> Void
    let errors: (String) -> Void

    public init(output: @escaping (String) -> Void, errors: @escaping (String) -> Void) {
        self.output = output
        self.errors = errors
    }

    public func emit(_ event: OutputEvent) {
        switch event {
        case .printf(let text), .time(let text): output(text)
        case .value(let value): output(BpftraceTextRenderer.renderValue(value))
        case .map(let table, let options): output(BpftraceTextRenderer.render(table, options: options))
        case .attached(let count): output(BpftraceTextRenderer.attachedProbes(count))
        case .exitMaps(let tables): output(BpftraceTextRenderer.renderExit(tables, skipEmpty: true))
        case .lost(let count): errors(BpftraceTextRenderer.lostEvents(count))
        case .warning(let text): errors("bpfsh: " + text + "\n")
        case .report(let text, _): errors(text)
        case .helperError(let text, _, _, _, _, _, _): errors(text)
        }
    }
}

/// bpftrace's `-f json` output: one JSON object per line.
public final class JSONOutputSink: OutputSink {
    let output: (String) -> Void
    let errors: (String) -> Void

    public init(output: @escaping (String) -> Void, errors: @escaping (String) -> Void) {
        self.output = output
        self.errors = errors
    }

    public func emit(_ event: OutputEvent) {
        switch event {
        case .printf(let text): output(JSONRenderer.printf(text))
        case .time(let text): output(JSONRenderer.time(text))
        case .value(let value): output(JSONRenderer.value(value))
        case .map(let table, let options): output(JSONRenderer.render(table, options: options))
        case .attached(let count): output(JSONRenderer.attachedProbes(count))
        case .exitMaps(let tables): if !tables.isEmpty { output(JSONRenderer.renderExit(tables)) }
        case .lost(let count): errors(JSONRenderer.lostEvents(count))
        case .warning(let text): errors("bpfsh: " + text + "\n")
        case .report(let text, _): errors(text)
        case .helperError(_, let message, let helper, let code, let file, let line, let column):
            output(
                "{\"type\": \"helper_error\", \"msg\": \(JSONRenderer.quote(message)), \"helper\": "
                    + "\(JSONRenderer.quote(helper)), \"retcode\": \(code), \"filename\": \(JSONRenderer.quote(file)), "
                    + "\"line\": \(line), \"col\": \(column)}\n")
        }
    }
}

/// bpftrace's two output formats, chosen with `-f`.
public enum OutputFormat: String, Sendable {
    case text, json

    public func sink(output: @escaping (String) -> Void, errors: @escaping (String) -> Void) -> OutputSink {
        switch self {
        case .text: return TextOutputSink(output: output, errors: errors)
        case .json: return JSONOutputSink(output: output, errors: errors)
        }
    }
}

/// A sink that passes events on to another, minus what `-q` and `--no-warnings` silence:
/// the "Attached N probes" line, and every warning.
public final class FilteringOutputSink: OutputSink {
    let next: OutputSink
    let quiet: Bool
    let warnings: Bool

    public init(_ next: OutputSink, quiet: Bool, warnings: Bool) {
        self.next = next
        self.quiet = quiet
        self.warnings = warnings
    }

    public func emit(_ event: OutputEvent) {
        switch event {
        case .attached where quiet: return
        case .warning where !warnings, .report(_, isWarning: true) where !warnings, .helperError where !warnings:
            return
        default: next.emit(event)
        }
    }
}
