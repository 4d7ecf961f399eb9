/// BPF program types used by the providers (values of `enum bpf_prog_type`).
public enum BPFProgramType: UInt32, Sendable {
    case kprobe = 2, tracepoint = 5, perfEvent = 7, rawTracepoint = 17, tracing = 26
}

/// `expected_attach_type` values used at load (values of `enum bpf_attach_type`).
public enum BPFAttachType: UInt32, Sendable {
    case traceRawTracepoint = 23, traceFentry = 24, traceFexit = 25
}

/// BPF map types used (values of `enum bpf_map_type`).
public enum BPFMapType: UInt32, Sendable {
    case hash = 1, array = 2, perCPUHash = 5, perCPUArray = 6, stackTrace = 7, lruHash = 9, lruPerCPUHash = 10
    case ringBuffer = 27
}
