/// A problem found in a program, as a value: what, where, and optional extra notes.
public struct Diagnostic: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning }
    public var severity: Severity
    public var message: String
    public var range: SourceRange
    public var notes: [String]
    /// Whether bpftrace reports it without a source place: what it finds only when attaching
    /// (an address no function holds) it prints as a bare `ERROR: ...` line.
    public var atAttach = false

    public init(
        _ message: String, at range: SourceRange, notes: [String] = [], severity: Severity = .error,
        atAttach: Bool = false
    ) {
        self.severity = severity
        self.message = message
        self.range = range
        self.notes = notes
        self.atAttach = atAttach
    }

    public var description: String { "\(severity.rawValue): \(message)" }

    /// Renders the diagnostic in `style`: bpfsh's own, or bpftrace's for a bpfsh run under
    /// that name by scripts that read bpftrace's messages.
    public func rendered(in program: SourceFile, style: DiagnosticStyle) -> String {
        style == .bpfsh ? rendered(in: program) : renderedAsBpftrace(in: program)
    }

    /// bpftrace's layout: `stdin:1:15-35: ERROR: message`, the source line, `~` under the
    /// range (`-e` programs are `stdin` to bpftrace).
    public func renderedAsBpftrace(in program: SourceFile) -> String {
        if atAttach {
            return (severity == .error ? "ERROR: " : "WARNING: ") + message + "\n"
                + notes.map { "HINT: \($0)\n" }.joined()
        }
        let source = range.file?.source ?? program
        let (line, column) = source.location(of: range.start)
        var out = Self.place(of: range, in: program) + ": " + (severity == .error ? "ERROR" : "WARNING") + ": "
            + message + "\n"
        let (text, shownColumn) = Self.window(source.line(line), column: column)
        out += text + "\n"
        let end = source.location(of: range.end)
        let width = max(1, min(end.line == line ? end.column - column : text.utf8.count - shownColumn + 1, 200))
        var pad = ""
        for (index, byte) in text.utf8.enumerated() where index < shownColumn - 1 {
            pad += byte == UInt8(ascii: "\t") ? "\t" : " "
        }
        out += pad + String(repeating: "~", count: width) + "\n"
        for note in notes { out += "HINT: \(note)\n" }
        return out
    }

    /// Where a range lies as bpftrace names places: `FILE:LINE:COLUMN-END`, with `-e`
    /// programs called `stdin` as bpftrace calls them.
    public static func place(of range: SourceRange, in program: SourceFile) -> String {
        let text = range.file?.source ?? program
        let name = text.name == "-e" ? "stdin" : text.name
        let start = text.location(of: range.start), end = text.location(of: range.end)
        let line = start.line + text.firstLine - 1
        return "\(name):\(line):\(start.column)-\(end.line == start.line ? end.column : start.column + 1)"
    }

    /// Renders `file:line:col: error: message`, the source line and a caret under the range,
    /// in the layout bpftrace and compilers use so editors can jump to it.
    public func rendered(in program: SourceFile) -> String {
        let source = range.file?.source ?? program
        let (line, fullColumn) = source.location(of: range.start)
        var out = "\(source.name):\(line + source.firstLine - 1):\(fullColumn): \(severity.rawValue): \(message)\n"
        // A very long line (a generated one-line program) is shown as a window around the
        // column, so an error never echoes megabytes.
        let (text, column) = Self.window(source.line(line), column: fullColumn)
        out += text + "\n"
        let endLocation = source.location(of: range.end)
        let full = source.line(line).utf8.count
        let width = min(
            endLocation.line == line ? max(1, endLocation.column - fullColumn) : max(1, full - fullColumn + 1),
            max(1, text.utf8.count - column + 1))
        // Tabs in the source line keep their width so the caret stays aligned.
        var pad = ""
        for (index, byte) in text.utf8.enumerated() where index < column - 1 {
            pad += byte == UInt8(ascii: "\t") ? "\t" : " "
        }
        out += pad + "^" + String(repeating: "~", count: width - 1) + "\n"
        for note in notes { out += "note: \(note)\n" }
        return out
    }

    /// The longest source line shown whole; longer ones are cut around the column with `…`.
    static let shownLineBytes = 160

    static func window(_ text: String, column: Int) -> (String, Int) {
        let bytes = Array(text.utf8)
        guard bytes.count > shownLineBytes else { return (text, column) }
        var start = max(0, min(column - 1 - shownLineBytes / 2, bytes.count - shownLineBytes))
        while start > 0 && bytes[start] & 0xC0 == 0x80 { start -= 1 }
        var end = min(bytes.count, start + shownLineBytes)
        while end < bytes.count && bytes[end] & 0xC0 == 0x80 { end += 1 }
        let body = String(decoding: bytes[start..<end], as: UTF8.self)
        let shown = (start > 0 ? "…" : "") + body + (end < bytes.count ? "…" : "")
        // The caret is padded one space per byte before it: "…" counts as the one column it takes.
        return (shown, column - start + (start > 0 ? 1 : 0))
    }
}

/// Several diagnostics thrown together, in source order.
public struct DiagnosticList: Error, Sendable {
    public var diagnostics: [Diagnostic]
    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
    public func rendered(in source: SourceFile) -> String {
        diagnostics.map { $0.rendered(in: source) }.joined()
    }
    public func rendered(in source: SourceFile, style: DiagnosticStyle) -> String {
        diagnostics.map { $0.rendered(in: source, style: style) }.joined()
    }
}

/// How diagnostics are written: bpfsh's (`prog.bt:1:5: error: ...` with a caret), or
/// bpftrace's (`stdin:1:5-9: ERROR: ...` with `~`), which bpfsh uses when run under the name
/// `bpftrace` so that tools written against bpftrace's messages keep working.
public enum DiagnosticStyle: Sendable {
    case bpfsh, bpftrace
}
