import CBPF

/// A named perf event a `software:` or `hardware:` probe can sample.
public struct PerfEventDescription: Sendable, Hashable {
    public enum Provider: String, Sendable, Hashable {
        case software, hardware
    }

    public var provider: Provider
    /// The canonical name (`cpu-clock`).
    public var name: String
    /// bpftrace's short alias (`cpu`), if any.
    public var alias: String?
    /// perf_event_attr.type: PERF_TYPE_SOFTWARE or PERF_TYPE_HARDWARE.
    public var perfType: UInt32
    /// perf_event_attr.config: the PERF_COUNT_SW_* / PERF_COUNT_HW_* value.
    public var perfConfig: UInt64
    /// The sample period bpftrace uses when the probe gives no count.
    public var defaultPeriod: UInt64

    /// True when `name` is this event's name or alias.
    public func isNamed(_ candidate: String) -> Bool {
        candidate == name || (alias != nil && candidate == alias)
    }
}

/// bpftrace's `software:` and `hardware:` event tables, with their perf type and config.
///
/// The names, aliases and default periods follow bpftrace so that programs written for it
/// sample at the same rate here.
public enum PerfEventCatalogue {
    public static let software: [PerfEventDescription] = [
        sw("alignment-faults", nil, PERF_COUNT_SW_ALIGNMENT_FAULTS, 1),
        sw("bpf-output", nil, PERF_COUNT_SW_BPF_OUTPUT, 1),
        sw("context-switches", "cs", PERF_COUNT_SW_CONTEXT_SWITCHES, 1000),
        sw("cpu-clock", "cpu", PERF_COUNT_SW_CPU_CLOCK, 1_000_000),
        sw("cpu-migrations", nil, PERF_COUNT_SW_CPU_MIGRATIONS, 1),
        sw("dummy", nil, PERF_COUNT_SW_DUMMY, 1),
        sw("emulation-faults", nil, PERF_COUNT_SW_EMULATION_FAULTS, 1),
        sw("major-faults", nil, PERF_COUNT_SW_PAGE_FAULTS_MAJ, 1),
        sw("minor-faults", nil, PERF_COUNT_SW_PAGE_FAULTS_MIN, 100),
        sw("page-faults", "faults", PERF_COUNT_SW_PAGE_FAULTS, 100),
        sw("task-clock", nil, PERF_COUNT_SW_TASK_CLOCK, 1_000_000),
    ]

    public static let hardware: [PerfEventDescription] = [
        hw("backend-stalls", nil, PERF_COUNT_HW_STALLED_CYCLES_BACKEND, 1_000_000),
        hw("branch-instructions", "branches", PERF_COUNT_HW_BRANCH_INSTRUCTIONS, 100_000),
        hw("branch-misses", nil, PERF_COUNT_HW_BRANCH_MISSES, 100_000),
        hw("bus-cycles", nil, PERF_COUNT_HW_BUS_CYCLES, 100_000),
        hw("cache-misses", nil, PERF_COUNT_HW_CACHE_MISSES, 1_000_000),
        hw("cache-references", nil, PERF_COUNT_HW_CACHE_REFERENCES, 1_000_000),
        hw("cpu-cycles", "cycles", PERF_COUNT_HW_CPU_CYCLES, 1_000_000),
        hw("frontend-stalls", nil, PERF_COUNT_HW_STALLED_CYCLES_FRONTEND, 1_000_000),
        hw("instructions", nil, PERF_COUNT_HW_INSTRUCTIONS, 1_000_000),
        hw("ref-cycles", nil, PERF_COUNT_HW_REF_CPU_CYCLES, 1_000_000),
    ]

    /// Finds an event by provider and name or alias.
    public static func event(_ provider: PerfEventDescription.Provider, named name: String) -> PerfEventDescription? {
        (provider == .software ? software : hardware).first { $0.isNamed(name) }
    }

    private static func sw(
        _ name: String, _ alias: String?, _ config: perf_sw_ids, _ period: UInt64
    ) -> PerfEventDescription {
        PerfEventDescription(
            provider: .software, name: name, alias: alias, perfType: PERF_TYPE_SOFTWARE.rawValue,
            perfConfig: UInt64(config.rawValue), defaultPeriod: period)
    }

    private static func hw(
        _ name: String, _ alias: String?, _ config: perf_hw_id, _ period: UInt64
    ) -> PerfEventDescription {
        PerfEventDescription(
            provider: .hardware, name: name, alias: alias, perfType: PERF_TYPE_HARDWARE.rawValue,
            perfConfig: UInt64(config.rawValue), defaultPeriod: period)
    }
}
