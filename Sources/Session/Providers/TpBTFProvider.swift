import Kernel
import Language

/// `tp_btf:EVENT`: a raw tracepoint loaded as a tracing program against the BTF id of its
/// `btf_trace_EVENT` type, so the verifier knows the argument types; attached with a link.
struct TpBTFProvider: ProbeProvider {
    let descriptor: ProviderDescriptor

    func expand(_ target: ProbeTarget, in environment: ProviderEnvironment) throws -> [ProbeTarget] {
        try RawTracepointProvider.expandRawTracepoint(target, in: environment)
    }

    func loadOptions(for spec: ProgramSpec, in environment: ProviderEnvironment) throws -> LoadedProgram.LoadOptions {
        let id: UInt32
        do { id = try environment.kernel.tracepointBTFTypeID(spec.target.parts[0]) } catch {
            throw KernelError.notSupported(feature: "tp_btf", reason: "\(error)")
        }
        return LoadedProgram.LoadOptions(expectedAttachType: spec.attachType?.rawValue ?? 0, attachBTFID: id)
    }

    func attach(
        _ program: LoadedProgram, to target: ProbeTarget, pid: Int32, in environment: ProviderEnvironment
    ) throws -> AttachedLink? {
        try Attacher.tracing(program, displayName: target.name)
    }
}
