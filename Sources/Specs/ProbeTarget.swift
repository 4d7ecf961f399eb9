/// An attach point, parsed and validated for its provider, possibly still holding wildcards.
///
/// `parts` are the colon-separated fields after the provider: for `tracepoint:sched:sched_switch`
/// they are `["sched", "sched_switch"]`; for `uprobe:/bin/bash:readline` `["/bin/bash", "readline"]`.
public struct ProbeTarget: Hashable, Sendable {
    public var kind: ProviderKind
    public var parts: [String]
    /// Which site of a USDT probe this is, when the probe's sites keep their arguments in
    /// different places and each gets a program of its own (nil: every site, one program).
    public var site: Int?

    public init(kind: ProviderKind, parts: [String]) {
        self.kind = kind
        self.parts = parts
    }

    public init(kind: ProviderKind, parts: [String], site: Int?) {
        self.init(kind: kind, parts: parts)
        self.site = site
    }

    /// The canonical spelling, as bpftrace's `probe` builtin shows it.
    /// Concatenated by hand: attaching reads it, and the stdlib's generic joined(separator:)
    /// costs a whole-binary conformance lookup the first time a start calls it.
    public var name: String {
        var name = kind.rawValue
        if parts.isEmpty && (kind == .begin || kind == .end) { return name }
        for part in parts {
            name += ":"
            name += part
        }
        return name
    }

    public var hasWildcard: Bool { parts.contains { $0.contains("*") || $0.contains("?") || $0.contains("{") } }

    /// For timer probes (interval, profile): the period in nanoseconds, or the frequency in Hz.
    public enum Rate: Hashable, Sendable { case periodNanoseconds(UInt64), frequency(UInt64) }
    public var rate: Rate? {
        guard kind == .interval || kind == .profile else { return nil }
        return Self.rate(parts)
    }

    /// `UNIT:N` as a rate, or nil when the unit is unknown or the period overflows 64 bits.
    static func rate(_ parts: [String]) -> Rate? {
        guard parts.count == 2, let n = UInt64(parts[1]) else { return nil }
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
