/// The answer of one feature probe. Only `works` and `unsupported` are conclusive: a probe
/// that lacked the privilege to find out says `unknown` rather than guessing.
public enum FeatureStatus: Sendable, Hashable {
    case works
    case unsupported(reason: String)
    case unknown(reason: String)

    public var isWorking: Bool { self == .works }

    public var isConclusive: Bool {
        if case .unknown = self { return false }
        return true
    }

    /// `✓`, `✗` or `?`.
    public var symbol: String {
        switch self {
        case .works: return "✓"
        case .unsupported: return "✗"
        case .unknown: return "?"
        }
    }

    public var reason: String? {
        switch self {
        case .works: return nil
        case let .unsupported(reason), let .unknown(reason): return reason
        }
    }
}

/// One probed feature: its status and how it was established (shown by `features`).
public struct FeatureResult: Sendable, Hashable {
    public var feature: KernelFeature
    public var status: FeatureStatus
    /// What was tried (`loaded a BPF_PROG_TYPE_TRACEPOINT program`), for the report.
    public var evidence: String

    public init(feature: KernelFeature, status: FeatureStatus, evidence: String) {
        self.feature = feature
        self.status = status
        self.evidence = evidence
    }
}
