/// The function table as docs/language.md shows it, so the docs come from the table (a
/// LanguageTests test checks that they agree).
extension FunctionTable {
    /// One Markdown table row per function, in listing order.
    public var documentationRows: [String] {
        descriptors.map { "| `\($0.signature)` | \($0.result) | \($0.documentationNotes) |" }
    }

    /// The whole Markdown table, with its header.
    public var documentationTable: String {
        (["| function | result | notes |", "|---|---|---|"] + documentationRows).joined(separator: "\n")
    }
}

extension FunctionDescriptor {
    /// The summary, with where the function may be used and whether it needs `--unsafe`.
    public var documentationNotes: String {
        var notes = summary
        if let probes { notes += "; only in \(probes.description)" }
        if isUnsafe { notes += "; only with `--unsafe` (it \(unsafeReason ?? ""))" }
        return notes
    }
}
