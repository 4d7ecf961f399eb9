/// What the running kernel can trace, established by probing it (never by version numbers).
///
/// A value: probe once at start (~15 ms, most of it loading BTF, which the catalogue then
/// reuses), then render the banner or the `features` report from it. Tests and fakes build
/// one directly from results.
public struct KernelFeatures: Sendable, Hashable {
    /// One result per probed feature, in `KernelFeature.allCases` order.
    public var results: [FeatureResult]
    /// How long probing took.
    public var probeDuration: Duration

    public init(results: [FeatureResult], probeDuration: Duration = .zero) {
        self.results = results
        self.probeDuration = probeDuration
    }

    /// Probes every feature (or the given ones) on the running kernel.
    public static func probe(
        catalogue: ProbeCatalogue = ProbeCatalogue(),
        features: [KernelFeature] = KernelFeature.allCases
    ) -> KernelFeatures {
        let clock = ContinuousClock()
        let start = clock.now
        let prober = FeatureProber(catalogue: catalogue)
        let results = features.map(prober.probe)
        return KernelFeatures(results: results, probeDuration: clock.now - start)
    }

    /// The status of a feature; `unknown` when it was not probed.
    public subscript(_ feature: KernelFeature) -> FeatureStatus {
        result(for: feature)?.status ?? .unknown(reason: "not probed")
    }

    public func result(for feature: KernelFeature) -> FeatureResult? {
        results.first { $0.feature == feature }
    }

    /// The features the start-up banner shows: what a user of the book's tools asks first.
    public static let bannerFeatures: [KernelFeature] = [
        .btf, .tracepoints, .uprobes, .perfSampling, .kprobes, .fentry, .hardwarePMCs,
    ]

    /// `BTF ✓ · tracepoints ✓ · uprobes ✓ · perf sampling ✓ · kprobes ✗ · fentry ✗ · PMCs ✗`
    public func banner(_ features: [KernelFeature] = bannerFeatures) -> String {
        features.map { "\($0.displayName) \(self[$0].symbol)" }.joined(separator: " · ")
    }

    /// The multi-line `features` report: one line per feature with what it enables, then the
    /// reason (for ✗ and ?) or the evidence (for ✓) indented below, and for a missing feature
    /// the probe types of `providers` that need it.
    public func report(providers: ProviderTable = .builtin) -> String {
        let width = results.map(\.feature.displayName.count).max() ?? 0
        var lines: [String] = []
        for result in results {
            let name = result.feature.displayName
            let padding = String(repeating: " ", count: width - name.count)
            lines.append("\(result.status.symbol) \(name)\(padding)  \(result.feature.purpose)")
            switch result.status {
            case .works:
                lines.append("    \(result.evidence)")
            case let .unsupported(reason):
                lines.append("    not supported: \(reason)")
                let refused = providers.descriptors.filter { $0.requires == result.feature }.map(\.kind.rawValue)
                if !refused.isEmpty {
                    lines.append("    so these probe types are refused: " + refused.joined(separator: ", "))
                }
            case let .unknown(reason):
                lines.append("    unknown: \(reason)")
            }
        }
        let milliseconds =
            Double(probeDuration.components.attoseconds) / 1e15 + Double(probeDuration.components.seconds) * 1e3
        lines.append("probed in \(Self.formatMilliseconds(milliseconds))")
        return lines.joined(separator: "\n")
    }

    static func formatMilliseconds(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) ms"
    }
}
