/// A problem found in a program, as a value: what, where, and optional extra notes.
public struct Diagnostic: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning }
    public var severity: Severity
    public var message: String
    public var range: SourceRange
    public var notes: [String]

    public init(_ message: String, at range: SourceRange, notes: [String] = [], severity: Severity = .error) {
        self.severity = severity
        self.message = message
        self.range = range
        self.notes = notes
    }

    public var description: String { "\(severity.rawValue): \(message)" }

    /// How a diagnostic is laid out: the shell's compiler style, or current bpftrace's for
    /// one-shot runs, since people and scripts grep for it.
    public enum Style: Sendable {
        /// `file:3:7: error: message`, the line, `^~~~` under the range, `note:` lines.
        case compiler
        /// `stdin:3:7-12: ERROR: message` (`-e` programs are `stdin`, the end column is
        /// exclusive), the line, `~~~~` under the range; bpfsh's notes follow.
        case bpftrace
    }

    /// Renders `file:line:col: error: message`, the source line and a caret under the range,
    /// in the layout bpftrace and compilers use so editors can jump to it.
    public func rendered(in program: SourceFile, style: Style = .compiler) -> String {
        let source = range.file?.source ?? program
        let (line, fullColumn) = source.location(of: range.start)
        let shownLine = line + source.firstLine - 1
        var out: String
        switch style {
        case .compiler:
            out = "\(source.name):\(shownLine):\(fullColumn): \(severity.rawValue): \(message)\n"
        case .bpftrace:
            let name = source.name == "-e" ? "stdin" : source.name
            let end = source.location(of: max(range.end, range.start + 1))
            let columns = end.line == line ? "\(fullColumn)-\(end.column)" : "\(fullColumn)"
            out = "\(name):\(shownLine):\(columns): \(severity == .error ? "ERROR" : "WARNING"): \(message)\n"
        }
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
        out += pad + (style == .compiler ? "^" : "~") + String(repeating: "~", count: width - 1) + "\n"
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
    public func rendered(in source: SourceFile, style: Diagnostic.Style = .compiler) -> String {
        diagnostics.map { $0.rendered(in: source, style: style) }.joined()
    }
}
