/// A kernel capability bpfsh can use, as reported in the banner and `features`.
public enum KernelFeature: String, Sendable, Hashable, CaseIterable {
    case btf
    case tracepoints
    case rawTracepoints
    case tpBTF
    case kprobes
    case fentry
    case uprobes
    case perfSampling
    case hardwarePMCs
    case ringBuffer
    case stackMaps
    case runStatistics

    /// The short name used in the banner and report.
    public var displayName: String {
        switch self {
        case .btf: return "BTF"
        case .tracepoints: return "tracepoints"
        case .rawTracepoints: return "raw tracepoints"
        case .tpBTF: return "tp_btf"
        case .kprobes: return "kprobes"
        case .fentry: return "fentry"
        case .uprobes: return "uprobes"
        case .perfSampling: return "perf sampling"
        case .hardwarePMCs: return "PMCs"
        case .ringBuffer: return "ring buffer"
        case .stackMaps: return "stack maps"
        case .runStatistics: return "bpf_enable_stats"
        }
    }

    /// What a user loses without it, for the multi-line report.
    public var purpose: String {
        switch self {
        case .btf: return "typed kernel structs, tp_btf and rawtracepoint args"
        case .tracepoints: return "tracepoint: probes"
        case .rawTracepoints: return "rawtracepoint: probes"
        case .tpBTF: return "typed raw tracepoints, fast detach"
        case .kprobes: return "kprobe:/kretprobe: on any kernel function"
        case .fentry: return "fentry:/fexit: (BPF trampolines)"
        case .uprobes: return "uprobe:/uretprobe: in user programs"
        case .perfSampling: return "profile:, interval:, software: events"
        case .hardwarePMCs: return "hardware: events (cycles, cache misses)"
        case .ringBuffer: return "fast event output (printf, ringbuf)"
        case .stackMaps: return "kstack/ustack"
        case .runStatistics: return "per-program run time and count"
        }
    }
}

/// The answer of one feature probe. Only `works` and `unsupported` are conclusive: a probe
/// that lacked the privilege to find out says `unknown` rather than guessing.
public enum FeatureStatus: Sendable, Hashable {
    case works
    case unsupported(reason: String)
    case unknown(reason: String)

    public var isWorking: Bool { self == .works }

    public var isConclusive: Bool {
        if case .unknown = self { return false }
        return true
    }

    /// `✓`, `✗` or `?`.
    public var symbol: String {
        switch self {
        case .works: return "✓"
        case .unsupported: return "✗"
        case .unknown: return "?"
        }
    }

    public var reason: String? {
        switch self {
        case .works: return nil
        case let .unsupported(reason), let .unknown(reason): return reason
        }
    }
}

/// One probed feature: its status and how it was established (shown by `features`).
public struct FeatureResult: Sendable, Hashable {
    public var feature: KernelFeature
    public var status: FeatureStatus
    /// What was tried (`loaded a BPF_PROG_TYPE_TRACEPOINT program`), for the report.
    public var evidence: String

    public init(feature: KernelFeature, status: FeatureStatus, evidence: String) {
        self.feature = feature
        self.status = status
        self.evidence = evidence
    }
}
