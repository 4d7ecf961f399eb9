#if canImport(Glibc)
    import Glibc
#endif

/// The effective capabilities of this process, read from /proc/self/status, and what bpfsh
/// can and cannot do with them.
///
/// Also tells "the kernel refused" from "we were not allowed to ask": an EPERM from a
/// process holding CAP_BPF and CAP_PERFMON is the kernel's answer, not a privilege problem.
public struct Privileges: Sendable, Hashable {
    public var effective: UInt64

    public init(effective: UInt64) { self.effective = effective }

    /// The capabilities bpfsh cares about (numbers from linux/capability.h).
    public enum Capability: Int, CaseIterable, Sendable, CustomStringConvertible {
        case sysPtrace = 19
        case sysAdmin = 21
        case syslog = 34
        case perfmon = 38
        case bpf = 39

        public var description: String {
            switch self {
            case .sysPtrace: return "CAP_SYS_PTRACE"
            case .sysAdmin: return "CAP_SYS_ADMIN"
            case .syslog: return "CAP_SYSLOG"
            case .perfmon: return "CAP_PERFMON"
            case .bpf: return "CAP_BPF"
            }
        }
    }

    static let capSysAdmin = Capability.sysAdmin.rawValue
    static let capPerfmon = Capability.perfmon.rawValue
    static let capBPF = Capability.bpf.rawValue

    /// The `CapEff:` mask of a /proc/PID/status text; nil when the line is missing or malformed.
    public static func parse(status text: String) -> Privileges? {
        for line in text.split(separator: "\n") where line.hasPrefix("CapEff:") {
            let digits = line.dropFirst("CapEff:".count).trimmingPrefix(while: { $0 == " " || $0 == "\t" })
                .prefix { !$0.isWhitespace }
            guard !digits.isEmpty, digits.count <= 16, let mask = UInt64(digits, radix: 16) else { return nil }
            return Privileges(effective: mask)
        }
        return nil
    }

    public static func current() -> Privileges {
        if case .success(let text) = SystemFile.readText("/proc/self/status"), let privileges = parse(status: text) {
            return privileges
        }
        // Without /proc, fall back to the uid: root normally holds every capability.
        return Privileges(effective: geteuid() == 0 ? ~0 : 0)
    }

    func has(_ capability: Int) -> Bool { capability < 64 && effective & (1 << UInt64(capability)) != 0 }
    public func has(_ capability: Capability) -> Bool { has(capability.rawValue) }

    /// May load BPF programs and create maps (CAP_BPF, or CAP_SYS_ADMIN before 5.8).
    public var canUseBPF: Bool { has(.bpf) || has(.sysAdmin) }

    /// May open system-wide perf events and load tracing programs.
    public var canUsePerf: Bool { has(.perfmon) || has(.sysAdmin) }

    /// Can define probes at all.
    public var canTrace: Bool { canUseBPF && canUsePerf }

    var isRoot: Bool { geteuid() == 0 }

    /// Capabilities that tracing needs and this process lacks (CAP_SYS_ADMIN stands in for
    /// both CAP_BPF and CAP_PERFMON, so it is not listed while those are held).
    public var missingForTracing: [Capability] {
        var missing: [Capability] = []
        if !canUseBPF { missing.append(.bpf) }
        if !canUsePerf { missing.append(.perfmon) }
        return missing
    }

    /// Capabilities whose absence only loses something smaller.
    public var missingOptional: [(Capability, String)] {
        var missing: [(Capability, String)] = []
        if !has(.sysAdmin) { missing.append((.sysAdmin, "probes' ns per run (BPF run statistics, `stats on`)")) }
        if !has(.syslog) { missing.append((.syslog, "kernel symbol names in kstack and ksym()")) }
        if !has(.sysPtrace) { missing.append((.sysPtrace, "user stacks and uprobes of other users' processes")) }
        return missing
    }

    /// What to tell a user at startup, or nil when tracing works. Names the missing
    /// capabilities and what still works without them.
    public var startupReport: String? {
        let missing = missingForTracing
        guard !missing.isEmpty else { return nil }
        let names = missing.map(\.description).joined(separator: " and ")
        var text = "bpfsh: this process lacks \(names)"
        if !has(.sysAdmin) { text += " (CAP_SYS_ADMIN would also do)" }
        text += ": probes cannot be loaded or attached.\n"
        text += "  Still works: help, the table commands on saved tables (load, save, top, where, hist, diff,\n"
        text += "  stack fold, flame), reading the tutorials, and listing probes (-l).\n"
        text += "  Run as root, or grant the capabilities, e.g. setcap cap_bpf,cap_perfmon+ep $(command -v bpfsh)\n"
        return text
    }

    /// Why an operation the kernel refused with EPERM/EACCES was refused: the missing
    /// capabilities by name, or nil when they are all held (then it is the kernel's own
    /// refusal, e.g. a lockdown or a sysctl).
    public func explainDenied(_ operation: String) -> String? {
        let missing = missingForTracing
        guard !missing.isEmpty else { return nil }
        return
            "\(operation) needs \(missing.map(\.description).joined(separator: " and ")), "
            + "which this process lacks (run as root, or grant them)"
    }
}
