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

    /// Renders `file:line:col: error: message`, the source line and a caret under the range,
    /// in the layout bpftrace and compilers use so editors can jump to it.
    public func rendered(in program: SourceFile) -> String {
        let source = range.file?.source ?? program
        let (line, column) = source.location(of: range.start)
        var out = "\(source.name):\(line + source.firstLine - 1):\(column): \(severity.rawValue): \(message)\n"
        let text = source.line(line)
        out += text + "\n"
        let endLocation = source.location(of: range.end)
        let width =
            endLocation.line == line ? max(1, endLocation.column - column) : max(1, text.utf8.count - column + 1)
        // Tabs in the source line keep their width so the caret stays aligned.
        var pad = ""
        for (index, byte) in text.utf8.enumerated() where index < column - 1 {
            pad += byte == UInt8(ascii: "\t") ? "\t" : " "
        }
        out += pad + "^" + String(repeating: "~", count: width - 1) + "\n"
        for note in notes { out += "note: \(note)\n" }
        return out
    }
}

/// Several diagnostics thrown together, in source order.
public struct DiagnosticList: Error, Sendable {
    public var diagnostics: [Diagnostic]
    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
    public func rendered(in source: SourceFile) -> String {
        diagnostics.map { $0.rendered(in: source) }.joined()
    }
}
