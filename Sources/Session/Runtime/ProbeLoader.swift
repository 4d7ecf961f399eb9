import Codegen
import Foundation
import Kernel
import Language

/// Loads compiled programs into the kernel and attaches each to its attach point, through the
/// provider of the program's target (`Session/Providers`).
///
/// Consumes `ProgramSpec`s whose maps already exist (`MapReferences.patch` turns their ids
/// into fds); produces loaded programs and links, or a `KernelError` naming the attach
/// point and the reason.
public struct ProbeLoader {
    public let environment: ProviderEnvironment
    public let providers: ProviderRegistry
    public var targetPID: Int32 = -1

    public init(environment: ProviderEnvironment, providers: ProviderRegistry = .builtin) {
        self.environment = environment
        self.providers = providers
    }

    public init(catalogue: Kernel.ProbeCatalogue) {
        self.init(environment: ProviderEnvironment(kernel: catalogue))
    }

    /// Loads a program, replacing its map ids with the file descriptors in `fds`.
    public func load(_ spec: ProgramSpec, fds: [Int32: Int32]) throws -> LoadedProgram {
        let instructions = try MapReferences.patch(spec.instructions, ids: fds)
        var options = try provider(of: spec.target).loadOptions(for: spec, in: environment)
        options.functionStarts = spec.functionStarts
        return try LoadedProgram(
            name: spec.name, type: spec.type.rawValue, instructions: instructions, options: options)
    }

    /// Attaches a loaded program; BEGIN and END are not attached (they are run).
    public func attach(_ program: LoadedProgram, target: ProbeTarget) throws -> AttachedLink? {
        try provider(of: target).attach(program, to: target, pid: targetPID, in: environment)
    }

    private func provider(of target: ProbeTarget) throws -> any ProbeProvider {
        guard let provider = providers[target.kind] else {
            throw KernelError.notSupported(
                feature: target.kind.rawValue, reason: "no provider for \(target.kind.rawValue) probes in this session")
        }
        return provider
    }
}
