import Language

/// What code generation produces: plain values describing programs and maps, with no kernel
/// resources attached. The session turns them into loaded objects.

/// BPF program types used by the providers (values of `enum bpf_prog_type`).
public enum BPFProgramType: UInt32, Sendable {
    case kprobe = 2, tracepoint = 5, perfEvent = 7, rawTracepoint = 17, tracing = 26
}

/// BPF map types used (values of `enum bpf_map_type`).
public enum BPFMapType: UInt32, Sendable {
    case hash = 1, array = 2, perCPUHash = 5, perCPUArray = 6, stackTrace = 7, ringBuffer = 27
}

/// A map to create, identified in generated code by `id` (see `MapReference`).
public struct MapSpec: Hashable, Sendable {
    /// The user's name including `@`, or an internal name starting with `.`.
    public var name: String
    public var type: BPFMapType
    public var keySize: Int
    public var valueSize: Int
    public var maxEntries: Int
    public init(name: String, type: BPFMapType, keySize: Int, valueSize: Int, maxEntries: Int) {
        self.name = name
        self.type = type
        self.keySize = keySize
        self.valueSize = valueSize
        self.maxEntries = maxEntries
    }
}

/// Maps the runtime itself needs, beside the user's.
public enum InternalMap {
    /// Ring buffer carrying printf, print, time, exit... events to user space.
    public static let events = ".events"
    /// Per-CPU counter of events the ring buffer could not take.
    public static let lostEvents = ".lost"
    /// Stack traces for kstack/ustack.
    public static let stacks = ".stacks"
    /// Per-CPU buffer for events too large for the 512-byte BPF stack.
    public static let scratch = ".scratch"
}

/// One loadable program: the instructions for one attach point.
public struct ProgramSpec: Sendable {
    public var unitIndex: Int
    public var target: ProbeTarget
    public var type: BPFProgramType
    /// Raw BPF instructions (8 bytes each). `ld_imm64` instructions with src_reg 1
    /// (BPF_PSEUDO_MAP_FD) hold a map *id* in their immediate; the loader replaces it with
    /// the map's file descriptor.
    public var instructions: [UInt64]
    public var name: String
    public var instructionCount: Int { instructions.count }
}

/// The result of compiling a checked program.
public struct CompiledProgram: Sendable {
    public var checked: CheckedProgram
    public var programs: [ProgramSpec]
    /// Map specs by id (the id is the index + 1, so 0 never names a map).
    public var maps: [MapSpec]
    /// The LLVM IR text, kept for `show --ir`.
    public var ir: String
    public var timings: [String: Double]

    public func mapID(named name: String) -> Int32? {
        maps.firstIndex { $0.name == name }.map { Int32($0 + 1) }
    }
}
