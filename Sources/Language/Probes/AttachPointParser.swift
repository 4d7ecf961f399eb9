/// Parses attach-point text into a `ProbeTarget`, checking the shape its provider's grammar
/// expects (`ProviderDescriptor.grammar`).
public enum AttachPointParser {
    public static func parse(_ syntax: AttachPointSyntax, providers: ProviderTable = .builtin) throws -> ProbeTarget {
        var fields = splitFields(syntax.text)
        let providerName = fields.removeFirst()
        // `BEGIN:x` names no provider: BEGIN and END are whole attach points, not prefixes.
        guard let descriptor = providers.descriptor(named: providerName), !(descriptor.takesNoFields && !fields.isEmpty)
        else {
            throw Diagnostic(
                "unknown probe type '\(providerName)'", at: syntax.range,
                notes: ["probe types: \(providers.names.joined(separator: ", "))"])
        }
        switch descriptor.grammar.parse(fields, kind: descriptor.kind) {
        case .success(let parts): return ProbeTarget(kind: descriptor.kind, parts: parts)
        case .failure(let error): throw Diagnostic(error.message, at: syntax.range)
        }
    }

    /// Splits on `:`; a binary's path may not contain `:`.
    static func splitFields(_ text: String) -> [String] {
        text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
    }
}
