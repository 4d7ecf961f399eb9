import Language

/// The providers a session can use: the descriptor table the language reads, and for each row
/// the `ProbeProvider` that expands, loads and attaches it on the live kernel. A value, so a
/// test can register a provider of its own.
public struct ProviderRegistry: Sendable {
    public private(set) var table: ProviderTable
    private var providers: [ProviderKind: any ProbeProvider]

    public init(_ providers: [any ProbeProvider]) {
        table = ProviderTable(providers.map(\.descriptor))
        self.providers = [:]
        for provider in providers { self.providers[provider.descriptor.kind] = provider }
    }

    /// Adds a provider, or replaces the one of the same kind.
    public mutating func register(_ provider: any ProbeProvider) {
        table.add(provider.descriptor)
        providers[provider.descriptor.kind] = provider
    }

    public subscript(kind: ProviderKind) -> (any ProbeProvider)? { providers[kind] }

    /// The providers bpfsh ships with, each the row of `ProviderTable.builtin` of its kind.
    public static let builtin: ProviderRegistry = {
        let rows = ProviderTable.builtin
        func row(_ kind: ProviderKind) -> ProviderDescriptor { rows[kind]! }
        return ProviderRegistry([
            BeginEndProvider(descriptor: row(.begin)),
            BeginEndProvider(descriptor: row(.end)),
            TimerProvider(descriptor: row(.interval), everyCPU: false),
            TimerProvider(descriptor: row(.profile), everyCPU: true),
            PerfEventProvider(descriptor: row(.software), events: .software),
            PerfEventProvider(descriptor: row(.hardware), events: .hardware),
            TracepointProvider(descriptor: row(.tracepoint)),
            RawTracepointProvider(descriptor: row(.rawtracepoint)),
            TpBTFProvider(descriptor: row(.tpBTF)),
            UprobeProvider(descriptor: row(.uprobe)),
            UprobeProvider(descriptor: row(.uretprobe)),
            KprobeProvider(descriptor: row(.kprobe)),
            KprobeProvider(descriptor: row(.kretprobe)),
            FentryProvider(descriptor: row(.fentry)),
            FentryProvider(descriptor: row(.fexit)),
            UsdtProvider(descriptor: row(.usdt)),
        ])
    }()
}
