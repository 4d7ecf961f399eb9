#if canImport(Glibc)
import Glibc
#endif

/// The effective capabilities of this process, read from /proc/self/status.
///
/// Only used to tell "the kernel refused" from "we were not allowed to ask": an EPERM from a
/// process holding CAP_BPF and CAP_PERFMON is the kernel's answer, not a privilege problem.
struct Privileges: Sendable, Hashable {
    var effective: UInt64

    static let capSysAdmin = 21
    static let capPerfmon = 38
    static let capBPF = 39

    static func current() -> Privileges {
        if case .success(let text) = SystemFile.readText("/proc/self/status"),
           let line = text.split(separator: "\n").first(where: { $0.hasPrefix("CapEff:") }),
           let mask = UInt64(line.dropFirst("CapEff:".count).trimmingPrefix(while: { $0 == " " || $0 == "\t" }), radix: 16) {
            return Privileges(effective: mask)
        }
        // Without /proc, fall back to the uid: root normally holds every capability.
        return Privileges(effective: geteuid() == 0 ? ~0 : 0)
    }

    func has(_ capability: Int) -> Bool { effective & (1 << UInt64(capability)) != 0 }

    /// May load BPF programs and create maps (CAP_BPF, or CAP_SYS_ADMIN before 5.8).
    var canUseBPF: Bool { has(Self.capBPF) || has(Self.capSysAdmin) }

    /// May open system-wide perf events and attach tracing programs.
    var canUsePerf: Bool { has(Self.capPerfmon) || has(Self.capSysAdmin) }

    var isRoot: Bool { geteuid() == 0 }
}
