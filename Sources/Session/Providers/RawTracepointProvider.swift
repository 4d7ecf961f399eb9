import Kernel
import Language

/// `rawtracepoint:EVENT`: a tracepoint's raw arguments (typed by its BTF prototype), attached
/// with BPF_RAW_TRACEPOINT_OPEN. Also the expansion `tp_btf:` shares.
struct RawTracepointProvider: ProbeProvider {
    let descriptor: ProviderDescriptor

    func expand(_ target: ProbeTarget, in environment: ProviderEnvironment) throws -> [ProbeTarget] {
        try Self.expandRawTracepoint(target, in: environment)
    }

    static func expandRawTracepoint(
        _ target: ProbeTarget, in environment: ProviderEnvironment
    ) throws
        -> [ProbeTarget]
    {
        let names = (try? environment.kernel.rawTracepoints()) ?? []
        let glob = ProbeGlob(target.parts[0])
        let matched = target.hasWildcard ? names.filter { glob.matches($0) } : names.filter { $0 == target.parts[0] }
        if matched.isEmpty && !target.hasWildcard {
            throw Language.CatalogueError(
                "\(target.kind.rawValue) '\(target.parts[0])' does not exist on this kernel "
                    + "(no btf_trace_\(target.parts[0]) in BTF)")
        }
        return matched.map { ProbeTarget(kind: target.kind, parts: [$0]) }
    }

    func attach(
        _ program: LoadedProgram, to target: ProbeTarget, pid: Int32, in environment: ProviderEnvironment
    ) throws -> AttachedLink? {
        try Attacher.rawTracepoint(program, name: target.parts[0], displayName: target.name)
    }
}
