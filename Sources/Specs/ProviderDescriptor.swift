/// Everything bpfsh needs to know about one probe type that is a plain fact: how its attach
/// points are written, what a probe body sees, which BPF program it becomes, which kernel
/// feature it needs, and how it is listed and completed. The parser, the type checker, code
/// generation, `-l`, completion, `help` and the feature report all read these rows; how a
/// provider is expanded, loaded and attached on the live kernel is its file in
/// `Session/Providers`. Modelled on ply's provider table and bpftrace's probe list.
public struct ProviderDescriptor: Sendable {
    public var kind: ProviderKind
    /// bpftrace's other spellings (`t`, `kfunc`...).
    public var aliases: [String]
    /// One line for `help probes` and the listing of probe types.
    public var summary: String
    public var grammar: AttachPointGrammar
    public var context: ContextShape
    public var programType: BPFProgramType
    /// The `expected_attach_type` its programs are loaded with, when the program type needs one.
    public var attachType: BPFAttachType?
    /// The kernel capability it cannot work without (nil: anything that loads BPF has it).
    public var requires: KernelFeature?
    /// What to say when `requires` is missing: what still works instead.
    public var unavailableNote: String?
    /// Whether a refusal suggests tracepoints covering the same kernel function.
    public var suggestsCoveringTracepoints: Bool
    public var listing: ListingSource
    public var completion: CompletionStyle
    /// Where pointers in its context point, which decides the probe-read helpers.
    public var addressSpace: AddressSpace
    /// `retval` is meaningful (return probes).
    public var hasReturnValue: Bool
    /// Its programs fire in the shell's own context on purpose (BEGIN/END run by test run,
    /// timers), so they are not made to ignore bpfsh's own process.
    public var firesInShellContext: Bool
    /// Run once with BPF_PROG_TEST_RUN instead of attached (BEGIN, END).
    public var isRunNotAttached: Bool
    /// Fires on a user function's first instruction, before it pushes its frame pointer: a
    /// frame-pointer walk skips the immediate caller, whose return address is on top of the
    /// stack, so `ustack` reads it there.
    public var entersUserFunction: Bool

    public init(
        kind: ProviderKind, aliases: [String] = [], summary: String, grammar: AttachPointGrammar,
        context: ContextShape, programType: BPFProgramType, attachType: BPFAttachType? = nil,
        requires: KernelFeature? = nil, unavailableNote: String? = nil, suggestsCoveringTracepoints: Bool = false,
        listing: ListingSource = .notListed, completion: CompletionStyle = .none,
        addressSpace: AddressSpace = .kernel, hasReturnValue: Bool = false, firesInShellContext: Bool = false,
        isRunNotAttached: Bool = false, entersUserFunction: Bool = false
    ) {
        self.entersUserFunction = entersUserFunction
        self.kind = kind
        self.aliases = aliases
        self.summary = summary
        self.grammar = grammar
        self.context = context
        self.programType = programType
        self.attachType = attachType
        self.requires = requires
        self.unavailableNote = unavailableNote
        self.suggestsCoveringTracepoints = suggestsCoveringTracepoints
        self.listing = listing
        self.completion = completion
        self.addressSpace = addressSpace
        self.hasReturnValue = hasReturnValue
        self.firesInShellContext = firesInShellContext
        self.isRunNotAttached = isRunNotAttached
    }

    /// How an attach point of this provider is written (`tracepoint:CATEGORY:EVENT`).
    public var usage: String { grammar.usage(kind: kind) }

    /// Whether the attach point is the provider's name alone (`BEGIN`).
    public var takesNoFields: Bool {
        if case .none = grammar { return true }
        return false
    }

    /// What completion offers before any field is typed: `tracepoint:`, or `BEGIN`.
    public var completionStem: String { takesNoFields ? kind.rawValue : kind.rawValue + ":" }
}

/// What a probe body's context is, which decides `args`, `argN` and `reg()`.
public enum ContextShape: Sendable, Hashable {
    /// Nothing: BEGIN and END run with an empty context.
    case none
    /// `struct bpf_perf_event_data`: registers of the interrupted task.
    case perfEvent
    /// `struct pt_regs`: kprobes, uprobes, usdt.
    case registers
    /// The tracepoint's record, typed by its tracefs format.
    case tracepointRecord
    /// An array of u64 arguments typed by the BTF prototype of the raw tracepoint.
    case rawTracepointArguments
    /// An array of u64 arguments typed by the BTF prototype of the kernel function.
    case functionArguments
}

/// Where a provider's attach points come from in `bpfsh -l`.
public enum ListingSource: Sendable, Hashable {
    case tracepoints
    case rawTracepoints
    case softwareEvents
    case hardwareEvents
    case kernelFunctions
    /// Listing needs another layer (a binary to read symbols from, a process), or there is
    /// nothing to list (BEGIN, timers).
    case notListed
}

/// What the shell's completion offers after `PROVIDER:`.
public enum CompletionStyle: Sendable, Hashable {
    case none
    /// `CATEGORY:` then `EVENT`.
    case tracepoints
    case rawTracepoints
    case softwareEvents
    /// `hz:`, `s:`, `ms:`, `us:`.
    case rateUnits
    /// A binary or library, then its functions.
    case binaryFunctions
    /// A binary or library only.
    case binaries
}

/// Kernel or user memory, for reading through pointers.
public enum AddressSpace: Sendable, Hashable {
    case kernel, user
}
