import Glibc

/// Why the kernel refused something, with the cases a caller can act on.
public enum KernelError: Error, CustomStringConvertible, Sendable {
    /// This kernel lacks a feature (which one, and what to use instead).
    case notSupported(feature: String, reason: String)
    /// The process lacks a capability.
    case permission(String)
    /// The verifier rejected a program: its log, and the instruction it stopped at if known.
    case verifierRejected(program: String, log: String, instruction: Int?)
    /// An attach point could not be attached.
    case attachFailed(attachPoint: String, reason: String)
    /// Any other system call failure.
    case system(operation: String, errno: Int32)

    public var description: String {
        switch self {
        case .notSupported(let feature, let reason): return "\(feature) is not supported on this kernel: \(reason)"
        case .permission(let what): return "permission denied: \(what)"
        case .verifierRejected(let program, let log, _):
            let tail = log.split(separator: "\n").suffix(12).joined(separator: "\n")
            return "the BPF verifier rejected \(program):\n\(tail)"
        case .attachFailed(let point, let reason): return "cannot attach \(point): \(reason)"
        case .system(let operation, let code): return "\(operation) failed: \(String(cString: strerror(code)))"
        }
    }

    /// Classifies a failed call's errno, turning EPERM into a permission error.
    static func from(_ operation: String, errno code: Int32) -> KernelError {
        if code == EPERM || code == EACCES {
            return .permission(
                Privileges.current().explainDenied(operation)
                    ?? ("\(operation): the kernel refused (\(String(cString: strerror(code)))) although CAP_BPF and "
                        + "CAP_PERFMON are held; check kernel.unprivileged_bpf_disabled, lockdown and LSM policy")
            )
        }
        return .system(operation: operation, errno: code)
    }
}

/// libbpf returns -errno (and sets errno); normalise both conventions.
@inline(__always) func libbpfErrno(_ result: Int32) -> Int32 {
    result < 0 ? -result : errno
}
