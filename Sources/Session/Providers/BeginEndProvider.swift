import Kernel
import Language

/// BEGIN and END: raw-tracepoint programs run once with BPF_PROG_TEST_RUN after every other
/// probe is attached (BEGIN) or detached (END), so they are never attached.
struct BeginEndProvider: ProbeProvider {
    let descriptor: ProviderDescriptor

    func expand(_ target: ProbeTarget, in environment: ProviderEnvironment) throws -> [ProbeTarget] { [target] }

    func attach(
        _ program: LoadedProgram, to target: ProbeTarget, pid: Int32, in environment: ProviderEnvironment
    ) throws -> AttachedLink? { nil }
}
