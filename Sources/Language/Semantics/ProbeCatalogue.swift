/// What the type checker needs to know about the running kernel, as a protocol so that the
/// language layer stays free of kernel code and tests can describe any kernel they like.
public protocol ProbeCatalogue {
    /// Expands wildcards and checks that the target exists. Throws `CatalogueError`.
    func expand(_ target: ProbeTarget) throws -> [ProbeTarget]
    /// The layout of `args` (and of the raw context) for one expanded target.
    func context(for target: ProbeTarget) throws -> ProbeContext
    /// A kernel symbol's address, for `kaddr("name")`.
    func kernelAddress(of symbol: String) -> UInt64?
    /// A member of a kernel struct (from BTF), for `curtask->pid` and `args.prev->comm`.
    func member(of typeName: String, named name: String) -> ContextField?
    /// Every member of a kernel struct or union in order (anonymous ones flattened), for
    /// printing a struct whole (`print(*curtask)`); an embedded struct's `size` is its whole
    /// size, so an array of structs says how many it holds.
    func members(of typeName: String) -> [ContextField]?
    /// The probe types attach points may name here: the catalogue that expands attach points
    /// owns the table of their providers.
    var providers: ProviderTable { get }
    /// Whether the kernel describes its types with BTF: the preprocessor then defines
    /// `BPFTRACE_HAVE_BTF` and satisfies `#include <linux/...>` without the header.
    var hasBTF: Bool { get }
    /// The value of a kernel enumerator (`SKB_DROP_REASON_NOT_SPECIFIED`), from BTF.
    func enumValue(named name: String) -> Int64?
    /// Size in bytes of a kernel struct or union (`struct task_struct`), from BTF: a program's
    /// own struct may embed one.
    func recordSize(of typeName: String) -> Int?
    /// A per-CPU variable of the kernel (`runqueues`), from BTF, for `percpu_kaddr("name")`.
    func percpuVariable(named name: String) -> KernelVariable?
    /// A data or function symbol of a user binary (its ELF address and size), for `uaddr()`,
    /// and whether the file is loaded at a bias chosen at run time (PIE programs, libraries).
    func userSymbol(named name: String, in binary: String) -> BinarySymbol?
    /// The ELF address a uprobe attach point (`uprobe:PATH:FUNCTION[+OFFSET]`) fires at.
    func userProbeAddress(of target: ProbeTarget) -> UInt64?
    /// Whether the kernel's BTF has a function (kfunc) of that name, for `kfunc_exist()`.
    func kernelFunctionExists(_ name: String) -> Bool
    /// Whether programs of this type may call the kfunc, for `kfunc_allowed()`.
    func kernelFunctionAllowed(_ name: String, in programType: BPFProgramType) -> Bool
}

/// A kernel variable as code generation needs it: the BTF id of its VAR (which the program
/// loads with `BPF_PSEUDO_BTF_ID`), the C name of its type (what the pointer points at) and
/// where it lies in the per-CPU area.
public struct KernelVariable: Sendable, Hashable {
    public var btfID: UInt32
    public var typeName: String
    /// False for a variable that exists but is not per-CPU: percpu_kaddr() refuses it.
    public var isPerCPU: Bool
    /// Offset in `.data..percpu`: two per-CPU variables of one CPU are as far apart as their
    /// offsets.
    public var sectionOffset: Int
    public init(btfID: UInt32, typeName: String, isPerCPU: Bool, sectionOffset: Int = 0) {
        self.btfID = btfID
        self.typeName = typeName
        self.isPerCPU = isPerCPU
        self.sectionOffset = sectionOffset
    }
}

/// How a program finds a per-CPU variable (`percpu_kaddr`).
public enum PerCPUVariableAccess: Sendable, Hashable {
    /// By the BTF id of its VAR, as bpftrace does (`ld_imm64 BPF_PSEUDO_BTF_ID`, then
    /// bpf_per_cpu_ptr or bpf_this_cpu_ptr). The kernel finds the variable through kallsyms,
    /// which lists variables only on kernels built with CONFIG_KALLSYMS_ALL.
    case btf(id: UInt32)
    /// Without kallsyms: this CPU's run queue (`curtask->se.cfs_rq->rq`, its slot of the
    /// per-CPU `runqueues`) lies in the same per-CPU area, `delta` bytes from the variable;
    /// another CPU's area is as far from this one's as that CPU's slot of a per-CPU array map.
    case besideRunqueue(cfsRqOffset: Int, rqOffset: Int, delta: Int64)

    /// Whether the program needs the per-CPU array map `InternalMap.perCPUBases`.
    public var needsPerCPUBases: Bool { if case .besideRunqueue = self { return true } else { return false } }
}

/// A symbol of a user binary as `uaddr()` needs it.
public struct BinarySymbol: Sendable, Equatable {
    public var address: UInt64
    public var size: UInt64
    public var positionIndependent: Bool
    public init(address: UInt64, size: UInt64, positionIndependent: Bool) {
        self.address = address
        self.size = size
        self.positionIndependent = positionIndependent
    }
}

extension ProbeCatalogue {
    public func member(of typeName: String, named name: String) -> ContextField? { nil }
    public func members(of typeName: String) -> [ContextField]? { nil }
    public var providers: ProviderTable { .builtin }
    public var hasBTF: Bool { false }
    public func enumValue(named name: String) -> Int64? { nil }
    public func recordSize(of typeName: String) -> Int? { nil }
    public func userSymbol(named name: String, in binary: String) -> BinarySymbol? { nil }
    public func userProbeAddress(of target: ProbeTarget) -> UInt64? { nil }
    public func kernelFunctionExists(_ name: String) -> Bool { false }
    public func kernelFunctionAllowed(_ name: String, in programType: BPFProgramType) -> Bool { false }
    public func percpuVariable(named name: String) -> KernelVariable? { nil }
}

/// A reason a catalogue cannot provide a target, with advice for the user.
public struct CatalogueError: Error, Sendable {
    public var message: String
    public var notes: [String]
    /// Found only when attaching in bpftrace, which reports it without a source place.
    public var atAttach: Bool
    public init(_ message: String, notes: [String] = [], atAttach: Bool = false) {
        self.message = message
        self.notes = notes
        self.atAttach = atAttach
    }
}

/// How a program's context argument is laid out.
public struct ProbeContext: Sendable, Hashable {
    public enum Layout: Sendable, Hashable {
        /// No arguments (BEGIN, END).
        case none
        /// A tracepoint record; `args` fields at fixed offsets.
        case tracepointRecord
        /// An array of u64 arguments (raw tracepoints, tp_btf, fentry).
        case argumentArray
        /// `struct pt_regs` (kprobes, uprobes).
        case registers
        /// `struct bpf_perf_event_data`, which starts with `pt_regs` (profile, interval, software).
        case perfEvent
    }
    public var layout: Layout
    public var fields: [ContextField]
    /// A USDT probe's arguments (`arg0`...), read from registers and memory as its ELF note
    /// says; nil for every other probe.
    public var usdtArguments: [UsdtArgument]?

    public init(layout: Layout, fields: [ContextField] = [], usdtArguments: [UsdtArgument]? = nil) {
        self.layout = layout
        self.fields = fields
        self.usdtArguments = usdtArguments
    }
}

/// One field of `args`.
public struct ContextField: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case integer(signed: Bool)
        /// `char name[N]` inside the record.
        case charArray(length: Int)
        /// `__data_loc char[] name`: a u32 whose low 16 bits give the string's offset.
        case dataLocString
        /// A pointer; `pointee` as declared (`char` pointers print with str()).
        case pointer(pointee: String)
        /// Any other array or struct we can only show as an integer of its first bytes.
        case opaque
        /// An embedded struct or union (`struct list_head tasks`): its address, for further
        /// member access.
        case record(name: String)
        /// An array of integers or pointers (`int x[4]`, `__u8 saddr[4]`): its `SType.array`,
        /// whose size is the whole array's (`size` stops at 8).
        case array(SType)
    }
    public var name: String
    public var offset: Int
    public var size: Int
    public var kind: Kind
    /// For a bitfield (an `.integer` of `size` bytes as declared): the bits to take from the
    /// bytes read at `offset`.
    public var bitfield: Bitfield?
    /// An `.integer` declared `bool`: a value prints `true`/`false`, as bpftrace prints it.
    public var isBool: Bool

    public init(name: String, offset: Int, size: Int, kind: Kind, bitfield: Bitfield? = nil, isBool: Bool = false) {
        self.name = name
        self.offset = offset
        self.size = size
        self.kind = kind
        self.bitfield = bitfield
        self.isBool = isBool
    }

    /// Whether a C type name is the boolean type (`bool`, `_Bool`, qualified or not).
    public static func isBoolName(_ typeName: String) -> Bool {
        let words = typeName.split(separator: " ").filter { $0 != "const" && $0 != "volatile" }
        return words == ["bool"] || words == ["_Bool"]
    }
}

/// Where a bitfield's bits lie: `width` bits from bit `shift` (counted from the least
/// significant bit, little-endian) of the `bytes` bytes read at the member's offset.
public struct Bitfield: Sendable, Hashable {
    public var bytes: Int
    public var shift: Int
    public var width: Int

    /// The bitfield at `bitOffset` bits from the start of its record, `width` bits wide:
    /// read from its first byte, as few bytes as hold it (never past the record's end). Nil when that takes more than 8
    /// bytes (a 58-bit or wider field that does not start on a byte).
    public static func at(bitOffset: Int, width: Int) -> (offset: Int, bitfield: Bitfield)? {
        let shift = bitOffset % 8
        let bytes = (shift + width + 7) / 8
        guard width > 0, bytes <= 8 else { return nil }
        return (bitOffset / 8, Bitfield(bytes: bytes, shift: shift, width: width))
    }
}
