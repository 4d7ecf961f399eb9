import Kernel
import Language

/// Why a session operation failed, with what the user needs to fix it. The session is
/// unchanged after any of these: every other probe and map stays as it was.
public enum SessionError: Error, CustomStringConvertible {
    /// The program does not compile; rendered with carets against its source.
    case diagnostics(DiagnosticList, SourceFile)
    /// The kernel's verifier refused a program, explained against the probe's source.
    case rejected(DiagnosticList, SourceFile)
    /// The kernel refused something else for a probe (maps, attach), and why.
    case kernel(probe: String, KernelError)
    /// A kernel back end other than Linux's (a test's) failed in its own terms.
    case backend(probe: String, any Error)
    case unknownProbe(String)
    case unknownMap(String)
    /// A map cannot be forgotten while these probes use it.
    case mapInUse(String, by: [String])
    case invalidName(String)
    /// The kernel would not turn its run statistics on.
    case statisticsRefused

    /// `error` as the session reports it for `probe`, keeping a kernel error's cases.
    static func wrapping(_ error: any Error, probe: String) -> SessionError {
        switch error {
        case let error as SessionError: return error
        case let error as KernelError: return .kernel(probe: probe, error)
        default: return .backend(probe: probe, error)
        }
    }

    public var description: String {
        switch self {
        case .diagnostics(let list, let source), .rejected(let list, let source): return list.rendered(in: source)
        case .kernel(let probe, let error): return "\(probe): \(error)"
        case .backend(let probe, let error): return "\(probe): \(error)"
        case .unknownProbe(let name): return "no probe named '\(name)' (see: probes)"
        case .unknownMap(let name): return "no map named '\(name)' (see: maps)"
        case .mapInUse(let name, let probes):
            return "\(name) is used by \(probes.joined(separator: ", ")): drop them first"
        case .invalidName(let name): return "'\(name)' is not a valid probe name: use letters, digits and _"
        case .statisticsRefused:
            return "the kernel refused to turn on BPF run statistics (BPF_ENABLE_STATS needs CAP_SYS_ADMIN): "
                + "ns per run cannot be measured; fired counts still work"
        }
    }
}
