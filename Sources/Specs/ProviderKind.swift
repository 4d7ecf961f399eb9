/// A probe type, named as bpftrace spells it (`tracepoint`, `uprobe`, `BEGIN`...).
///
/// An open set rather than an enum: the provider table (`ProviderTable`) is a value, and a
/// test or a later feature can add a row for a provider bpfsh did not ship with. The
/// built-in kinds are the static members below; everything else about a kind (aliases,
/// grammar, context, program type, kernel feature) is in its `ProviderDescriptor`.
public struct ProviderKind: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public static let begin = ProviderKind("BEGIN")
    public static let end = ProviderKind("END")
    public static let interval = ProviderKind("interval")
    public static let profile = ProviderKind("profile")
    public static let software = ProviderKind("software")
    public static let hardware = ProviderKind("hardware")
    public static let tracepoint = ProviderKind("tracepoint")
    public static let rawtracepoint = ProviderKind("rawtracepoint")
    public static let tpBTF = ProviderKind("tp_btf")
    public static let uprobe = ProviderKind("uprobe")
    public static let uretprobe = ProviderKind("uretprobe")
    public static let kprobe = ProviderKind("kprobe")
    public static let kretprobe = ProviderKind("kretprobe")
    public static let fentry = ProviderKind("fentry")
    public static let fexit = ProviderKind("fexit")
    public static let usdt = ProviderKind("usdt")

    /// The kinds bpfsh ships with, in the built-in table's order.
    public static var allCases: [ProviderKind] { ProviderTable.builtin.descriptors.map(\.kind) }
}
