/// The probe types bpfsh knows, each handled by one provider.
public enum ProviderKind: String, CaseIterable, Sendable {
    case begin = "BEGIN", end = "END"
    case interval, profile, software, hardware
    case tracepoint, rawtracepoint, tpBTF = "tp_btf"
    case uprobe, uretprobe, kprobe, kretprobe, fentry, fexit, usdt

    /// bpftrace's short spellings (`t:`, `k:`, `ur:`...).
    static let aliases: [String: ProviderKind] = [
        "t": .tracepoint, "rt": .rawtracepoint, "k": .kprobe, "kr": .kretprobe, "u": .uprobe, "ur": .uretprobe,
        "p": .profile, "i": .interval, "s": .software, "h": .hardware, "f": .fentry, "fr": .fexit, "U": .usdt,
        "kfunc": .fentry, "kretfunc": .fexit, "btf": .tpBTF,
    ]
}

/// An attach point, parsed and validated for its provider, possibly still holding wildcards.
///
/// `parts` are the colon-separated fields after the provider: for `tracepoint:sched:sched_switch`
/// they are `["sched", "sched_switch"]`; for `uprobe:/bin/bash:readline` `["/bin/bash", "readline"]`.
public struct ProbeTarget: Hashable, Sendable {
    public var kind: ProviderKind
    public var parts: [String]

    public init(kind: ProviderKind, parts: [String]) {
        self.kind = kind
        self.parts = parts
    }

    /// The canonical spelling, as bpftrace's `probe` builtin shows it.
    public var name: String {
        switch kind {
        case .begin, .end: return kind.rawValue
        default: return ([kind.rawValue] + parts).joined(separator: ":")
        }
    }

    public var hasWildcard: Bool { parts.contains { $0.contains("*") || $0.contains("?") || $0.contains("{") } }

    /// For interval and profile probes: the period in nanoseconds, or the frequency in Hz.
    public enum Rate: Hashable, Sendable { case periodNanoseconds(UInt64), frequency(UInt64) }
    public var rate: Rate? {
        guard kind == .interval || kind == .profile, parts.count == 2, let n = UInt64(parts[1]) else { return nil }
        let scale: UInt64
        switch parts[0] {
        case "hz": return .frequency(n)
        case "s": scale = 1_000_000_000
        case "ms": scale = 1_000_000
        case "us": scale = 1_000
        case "ns": scale = 1
        default: return nil
        }
        let (period, overflow) = n.multipliedReportingOverflow(by: scale)
        return overflow ? nil : .periodNanoseconds(period)
    }
}

/// Parses attach-point text into a `ProbeTarget`, checking the shape each provider expects.
public enum AttachPointParser {
    public static func parse(_ syntax: AttachPointSyntax) throws -> ProbeTarget {
        let text = syntax.text
        if text == "BEGIN" || text == "begin" { return ProbeTarget(kind: .begin, parts: []) }
        if text == "END" || text == "end" { return ProbeTarget(kind: .end, parts: []) }
        var fields = splitFields(text)
        let providerName = fields.removeFirst()
        guard let kind = ProviderKind(rawValue: providerName) ?? ProviderKind.aliases[providerName],
            kind != .begin, kind != .end
        else {
            let known = ProviderKind.allCases.map(\.rawValue).joined(separator: ", ")
            throw Diagnostic("unknown probe type '\(providerName)'", at: syntax.range, notes: ["probe types: \(known)"])
        }
        func fail(_ message: String) -> Diagnostic { Diagnostic(message, at: syntax.range) }
        switch kind {
        case .interval, .profile:
            guard fields.count == 2, ["hz", "s", "ms", "us", "ns"].contains(fields[0]), let n = UInt64(fields[1]), n > 0
            else {
                throw fail(
                    "\(kind.rawValue) probes are written \(kind.rawValue):UNIT:N with UNIT one of hz, s, ms, us "
                        + "(e.g. \(kind.rawValue):\(kind == .profile ? "hz:99" : "s:1"))"
                )
            }
            if kind == .interval && fields[0] == "ns" { throw fail("interval:ns is not supported: use us or longer") }
            if ProbeTarget(kind: kind, parts: fields).rate == nil {
                throw fail(
                    "\(kind.rawValue) period \(fields[1])\(fields[0]) is too long: it must fit in 64-bit nanoseconds")
            }
        case .tracepoint:
            guard fields.count == 2, !fields[0].isEmpty, !fields[1].isEmpty else {
                throw fail(
                    "tracepoint probes are written tracepoint:CATEGORY:EVENT (e.g. tracepoint:sched:sched_switch)")
            }
        case .rawtracepoint, .tpBTF:
            // `rawtracepoint:module:event` is accepted; the module part is informational.
            guard fields.count == 1 || fields.count == 2, !(fields.last ?? "").isEmpty else {
                throw fail(
                    "\(kind.rawValue) probes are written \(kind.rawValue):EVENT (e.g. \(kind.rawValue):sched_switch)")
            }
            fields = [fields.last!]
        case .software, .hardware:
            guard fields.count == 1 || fields.count == 2, !fields[0].isEmpty else {
                throw fail(
                    "\(kind.rawValue) probes are written \(kind.rawValue):EVENT[:COUNT] (e.g. software:page-faults:100)"
                )
            }
            if fields.count == 2, UInt64(fields[1]) == nil, !fields[1].isEmpty {
                throw fail("the sample count '\(fields[1])' is not a number")
            }
            if fields.count == 2 && fields[1].isEmpty { fields.removeLast() }
        case .uprobe, .uretprobe, .usdt:
            guard fields.count == 2 || (kind == .usdt && fields.count == 3), !fields[0].isEmpty, !fields.last!.isEmpty
            else {
                throw fail(
                    "\(kind.rawValue) probes are written \(kind.rawValue):BINARY:FUNCTION "
                        + "(e.g. \(kind.rawValue):/bin/bash:readline or \(kind.rawValue):libc:malloc)"
                )
            }
        case .kprobe, .kretprobe, .fentry, .fexit:
            // `kprobe:module:function` is the newer spelling; the module is kept as a prefix.
            guard fields.count == 1 || fields.count == 2, !(fields.last ?? "").isEmpty else {
                throw fail(
                    "\(kind.rawValue) probes are written \(kind.rawValue):FUNCTION (e.g. \(kind.rawValue):vfs_read)")
            }
        case .begin, .end: break
        }
        return ProbeTarget(kind: kind, parts: fields)
    }

    /// Splits on `:` except inside a path segment that contains `::` C++ names is not needed;
    /// a leading path may not contain `:`.
    static func splitFields(_ text: String) -> [String] {
        text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
    }
}
