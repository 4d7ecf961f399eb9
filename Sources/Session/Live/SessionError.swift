import Language

/// Why a session operation failed, with what the user needs to fix it. The session is
/// unchanged after any of these: every other probe and map stays as it was.
public enum SessionError: Error, CustomStringConvertible {
    /// The program does not compile; rendered with carets against its source.
    case diagnostics(DiagnosticList, SourceFile)
    /// The kernel's verifier refused a program, explained against the probe's source.
    case rejected(DiagnosticList, SourceFile)
    /// The kernel refused something else (maps, attach).
    case kernel(String)
    case unknownProbe(String)
    case unknownMap(String)
    /// A map cannot be forgotten while these probes use it.
    case mapInUse(String, by: [String])
    case invalidName(String)

    public var description: String {
        switch self {
        case .diagnostics(let list, let source), .rejected(let list, let source): return list.rendered(in: source)
        case .kernel(let text): return text
        case .unknownProbe(let name): return "no probe named '\(name)' (see: probes)"
        case .unknownMap(let name): return "no map named '\(name)' (see: maps)"
        case .mapInUse(let name, let probes):
            return "\(name) is used by \(probes.joined(separator: ", ")): drop them first"
        case .invalidName(let name): return "'\(name)' is not a valid probe name: use letters, digits and _"
        }
    }
}
