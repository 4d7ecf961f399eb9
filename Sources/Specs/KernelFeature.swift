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
