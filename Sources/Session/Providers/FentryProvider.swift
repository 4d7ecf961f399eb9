import Kernel
import Language

/// `fentry:FUNCTION` and `fexit:`: a kernel function through a BPF trampoline, loaded against
/// the function's BTF id so its arguments are typed. Kernels that refuse trampolines get the
/// tracepoints covering the same ground.
struct FentryProvider: ProbeProvider {
    let descriptor: ProviderDescriptor

    func expand(_ target: ProbeTarget, in environment: ProviderEnvironment) throws -> [ProbeTarget] {
        if environment.verifyOnly { return try environment.btfFunctions(matching: target) }
        if let feature = descriptor.requires, let reason = environment.unavailable(feature) {
            throw unavailable(target, reason: reason, in: environment)
        }
        return [target]
    }

    func loadOptions(for spec: ProgramSpec, in environment: ProviderEnvironment) throws -> LoadedProgram.LoadOptions {
        let function = spec.target.parts.last!
        guard let id = try? environment.kernel.btf().functionID(function) else {
            throw KernelError.attachFailed(attachPoint: spec.target.name, reason: "no BTF function named \(function)")
        }
        return LoadedProgram.LoadOptions(expectedAttachType: spec.attachType?.rawValue ?? 0, attachBTFID: id)
    }

    func attach(
        _ program: LoadedProgram, to target: ProbeTarget, pid: Int32, in environment: ProviderEnvironment
    ) throws -> AttachedLink? {
        try Attacher.tracing(program, displayName: target.name)
    }
}
