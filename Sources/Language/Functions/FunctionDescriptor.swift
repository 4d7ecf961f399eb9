/// One function of the language: everything the type checker, `help`, completion and the
/// documentation need to know about it, in one row of a `FunctionTable`.
///
/// How the function becomes BPF is a separate row in Codegen's `FunctionLoweringTable`,
/// keyed by the same name (Language knows nothing of LLVM).
public struct FunctionDescriptor: Sendable {
    /// Groups the functions for documentation and listings.
    public enum Category: String, Sendable, CaseIterable {
        case aggregation, output, string, stack, symbol, map, unsafe, misc
    }

    public var name: String
    /// How the call is written, for `help` and docs: `hist(int n)`, `str(ptr [, int len])`.
    public var signature: String
    /// What the call yields, in words: `int`, `string`, `hist map value`, `none`.
    public var result: String
    /// One line saying what it does.
    public var summary: String
    public var category: Category
    /// The probes it may be used in; nil when any probe may use it.
    public var probes: ProbeRequirement?
    /// Why the function needs `--unsafe` ("runs commands as root"), or nil when it is safe.
    /// The refusal reads "NAME() is unsafe. To use you need the --unsafe flag (it REASON)", bpftrace's words.
    public var unsafeReason: String?
    /// The typing rule: checks the arguments through the facade, records what the call needs
    /// (a runtime action, a constant) and returns the call's type.
    public var check: @Sendable (CallTyping) -> SType

    public var isUnsafe: Bool { unsafeReason != nil }

    public init(
        name: String, signature: String, result: String, summary: String, category: Category,
        probes: ProbeRequirement? = nil, unsafeReason: String? = nil,
        check: @escaping @Sendable (CallTyping) -> SType
    ) {
        self.name = name
        self.signature = signature
        self.result = result
        self.summary = summary
        self.category = category
        self.probes = probes
        self.unsafeReason = unsafeReason
        self.check = check
    }
}
