import Foundation
import Kernel
import Language

/// The running machine as the shell sees it: sessions on the live kernel, the kernel feature
/// probe (run on first use: only the banner, `kernel` and tutorials' `Requires:` need it), the
/// process's privileges, and completion from tracefs, BTF and ELF symbols. The shell reaches
/// the kernel only through this and `TracingSession`.
public final class LiveSystem {
    let kernelCatalogue = Kernel.ProbeCatalogue()
    private var probedFeatures: KernelFeatures?

    public init() {}

    /// A session on the live kernel whose probe output goes to `write`.
    public func makeSession(options: TracingSession.Options, write: @escaping (String) -> Void) -> TracingSession {
        let live = LiveKernel(kernel: kernelCatalogue, targetPID: options.targetPID)
        return TracingSession(backend: live.backend, catalogue: live.catalogue, options: options, write: write)
    }

    /// Completion of attach points from this machine.
    public func completionSource() -> CompletionSource { LiveCompletionSource(catalogue: kernelCatalogue) }

    /// Which capabilities are missing and what still works, or nil with full privileges.
    public var privilegesReport: String? { Privileges.current().startupReport }

    private var features: KernelFeatures {
        if let probedFeatures { return probedFeatures }
        let probed = KernelFeatures.probe(catalogue: kernelCatalogue)
        probedFeatures = probed
        return probed
    }

    /// One line for the banner: what this kernel can trace.
    public func featureBanner() -> String { features.banner() }

    /// The `kernel` command's report: each feature, whether it works and why not.
    public func featureReport() -> String { features.report() }

    /// Why the kernel cannot do a named feature (`kprobes`, `fentry`, `pmcs`...), nil when it
    /// can; an unknown name says so.
    public func missingFeature(named name: String) -> String? {
        guard let feature = Self.feature(named: name) else { return "'\(name)' is not a feature bpfsh knows" }
        switch features[feature] {
        case .works: return nil
        case .unsupported(let reason), .unknown(let reason): return reason
        }
    }

    /// A feature by the name tutorials use in `Requires:`.
    ///
    /// A provider's name (`kretprobe`, `fexit`, `profile`) names the feature its row requires.
    static func feature(named name: String) -> KernelFeature? {
        let key = name.lowercased().replacingOccurrences(of: " ", with: "")
        let aliases: [String: KernelFeature] = [
            "kretprobes": .kprobes, "pmc": .hardwarePMCs, "pmcs": .hardwarePMCs, "uretprobes": .uprobes,
            "perf": .perfSampling,
        ]
        if let feature = aliases[key] ?? ProviderTable.builtin.descriptor(named: key)?.requires { return feature }
        return KernelFeature.allCases.first {
            $0.rawValue.lowercased() == key
                || $0.displayName.lowercased().replacingOccurrences(of: " ", with: "") == key
        }
    }
}
