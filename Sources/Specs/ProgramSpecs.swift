/// What code generation produces and the kernel layer loads: plain values describing programs
/// and maps, with no kernel resources attached.

/// A map to create, identified in generated code by `id` (see `MapReference`).
public struct MapSpec: Hashable, Sendable {
    /// The user's name including `@`, or an internal name starting with `.`.
    public var name: String
    public var type: BPFMapType
    public var keySize: Int
    public var valueSize: Int
    public var maxEntries: Int
    /// What slot 0 of an array holds from its creation (empty: zeroes).
    public var initialValue: [UInt8]
    public init(
        name: String, type: BPFMapType, keySize: Int, valueSize: Int, maxEntries: Int, initialValue: [UInt8] = []
    ) {
        self.name = name
        self.type = type
        self.keySize = keySize
        self.valueSize = valueSize
        self.maxEntries = maxEntries
        self.initialValue = initialValue
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
    /// Per-CPU run counters, one slot per probe of a session: how often each probe fired,
    /// counted by the programs themselves so the kernel's run statistics (which tax every BPF
    /// program on the machine) can stay off.
    public static let fired = ".fired"
    /// A per-CPU array of one slot whose per-CPU addresses give the distance between two
    /// CPUs' per-CPU areas (percpu_kaddr on a kernel whose kallsyms lists no variables).
    public static let perCPUBases = ".percpu"
    /// An array of one slot holding constants that programs pass to helpers by address, so a
    /// program need not build them on its stack (two instructions per use). Slot 0 holds
    /// `ConstantsMap.value`.
    public static let constants = ".constants"
    /// Slots of `fired`: probes defined in one session that get a counter.
    public static let firedSlots = 1024
}

/// The layout of `InternalMap.constants`.
public enum ConstantsMap {
    /// Byte offset of a little-endian u64 1: a new count(), hist() or lhist() slot's value.
    public static let one = 0
    public static let value: [UInt8] = [1, 0, 0, 0, 0, 0, 0, 0]
    public static var spec: MapSpec {
        MapSpec(
            name: InternalMap.constants, type: .array, keySize: 4, valueSize: value.count, maxEntries: 1,
            initialValue: value)
    }
}

/// One loadable program: the instructions for one attach point.
public struct ProgramSpec: Sendable {
    public var unitIndex: Int
    public var target: ProbeTarget
    public var type: BPFProgramType
    /// The `expected_attach_type` to load with, from the provider's descriptor.
    public var attachType: BPFAttachType?
    /// Raw BPF instructions (8 bytes each). `ld_imm64` instructions with src_reg 1
    /// (BPF_PSEUDO_MAP_FD) hold a map *id* in their immediate; the loader replaces it with
    /// the map's file descriptor.
    public var instructions: [UInt64]
    public var name: String
    /// Instruction indexes where the program's functions start: its own (0), then callbacks
    /// (`for` loops over maps), which the kernel needs described in BTF.
    public var functionStarts: [Int]
    public var instructionCount: Int { instructions.count }

    public init(
        unitIndex: Int, target: ProbeTarget, type: BPFProgramType, attachType: BPFAttachType? = nil,
        instructions: [UInt64], name: String, functionStarts: [Int] = [0]
    ) {
        self.functionStarts = functionStarts
        self.unitIndex = unitIndex
        self.target = target
        self.type = type
        self.attachType = attachType
        self.instructions = instructions
        self.name = name
    }
}
