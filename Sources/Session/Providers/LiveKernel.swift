import Kernel
import Language

/// The live kernel as a session uses it: a catalogue that expands and types attach points and a
/// backend that loads and attaches them, through the same providers and the same feature answers.
public struct LiveKernel {
    public let catalogue: LiveCatalogue
    public let backend: LinuxBackend

    /// With `verifyOnly`, providers expand for a dry run (see `ProviderEnvironment.verifyOnly`).
    public init(
        kernel: Kernel.ProbeCatalogue = Kernel.ProbeCatalogue(), registry: ProviderRegistry = .builtin,
        verifyOnly: Bool = false, targetPID: Int32? = nil
    ) {
        let environment = ProviderEnvironment(kernel: kernel, verifyOnly: verifyOnly, targetPID: targetPID)
        catalogue = LiveCatalogue(kernel: kernel, registry: registry, environment: environment)
        backend = LinuxBackend(environment: environment, providers: registry)
    }
}
