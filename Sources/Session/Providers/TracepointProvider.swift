import Kernel
import Language

/// `tracepoint:CATEGORY:EVENT`: a tracefs event, its record typed by its format file, attached
/// through a perf event of the tracepoint's id.
struct TracepointProvider: ProbeProvider {
    let descriptor: ProviderDescriptor

    func expand(_ target: ProbeTarget, in environment: ProviderEnvironment) throws -> [ProbeTarget] {
        let kernel = environment.kernel
        let pattern = target.parts.joined(separator: ":")
        if target.hasWildcard {
            let names = (try? kernel.tracepoints(matching: pattern)) ?? []
            return names.map { ProbeTarget(kind: target.kind, parts: [$0.category, $0.event]) }
        }
        guard kernel.hasTracepoint(category: target.parts[0], event: target.parts[1]) else {
            var similar = kernel.similarTracepoints(
                to: TracepointName(category: target.parts[0], event: target.parts[1]))
            if similar.isEmpty {
                let names = ((try? kernel.tracepoints()) ?? []).map(\.description)
                similar = Suggestions.closest(to: pattern, in: names, limit: 5)
            }
            throw Language.CatalogueError(
                // bpftrace's words, which scripts and its tests look for.
                "No matches for tracepoint \(pattern).",
                notes: similar.isEmpty ? [] : ["did you mean: " + similar.prefix(5).joined(separator: ", ")])
        }
        return [target]
    }

    func attach(
        _ program: LoadedProgram, to target: ProbeTarget, pid: Int32, in environment: ProviderEnvironment
    ) throws -> AttachedLink? {
        let id: Int
        do { id = try environment.kernel.tracepointID(category: target.parts[0], event: target.parts[1]) } catch {
            throw KernelError.attachFailed(attachPoint: target.name, reason: "\(error)")
        }
        return try Attacher.tracepoint(program, id: UInt64(id), name: target.name)
    }
}
