import Kernel
import Language

/// The live kernel as a session uses it: a catalogue that expands and types attach points and a
/// backend that loads and attaches them, through the same providers and the same feature answers.
public struct LiveKernel {
    public let catalogue: LiveCatalogue
    public let backend: LinuxBackend

    public init(kernel: Kernel.ProbeCatalogue = Kernel.ProbeCatalogue(), registry: ProviderRegistry = .builtin) {
        let environment = ProviderEnvironment(kernel: kernel)
        catalogue = LiveCatalogue(kernel: kernel, registry: registry, environment: environment)
        backend = LinuxBackend(environment: environment, providers: registry)
    }
}
