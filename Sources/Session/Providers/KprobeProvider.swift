import Kernel
import Language

/// `kprobe:FUNCTION` and `kretprobe:`: any kernel function's entry (or return) through the
/// kprobe PMU. Kernels without CONFIG_KPROBES refuse with the tracepoints covering the same
/// ground; the code is still compiled and verified (`--dry-run`).
struct KprobeProvider: ProbeProvider {
    let descriptor: ProviderDescriptor

    func expand(_ target: ProbeTarget, in environment: ProviderEnvironment) throws -> [ProbeTarget] {
        let kernel = environment.kernel
        if let reason = kernel.kprobeUnavailableReason() {
            if environment.verifyOnly { return try environment.btfFunctions(matching: target, withCompilerCopies: true) }
            throw unavailable(target, reason: reason, in: environment)
        }
        if target.hasWildcard {
            let glob = ProbeGlob(target.parts.last!)
            return ((try? kernel.kprobeFunctions()) ?? []).filter { glob.matches($0) }.map {
                ProbeTarget(kind: target.kind, parts: [$0])
            }
        }
        return [target]
    }

    func attach(
        _ program: LoadedProgram, to target: ProbeTarget, pid: Int32, in environment: ProviderEnvironment
    ) throws -> AttachedLink? {
        try Attacher.dynamicProbe(
            program, pmu: "kprobe", target: target.parts.last!, offset: 0, isReturn: descriptor.hasReturnValue,
            attachPoint: target.name)
    }
}
