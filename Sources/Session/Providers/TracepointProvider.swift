import Glibc
import Kernel
import Language

/// `tracepoint:CATEGORY:EVENT`: a tracefs event, its record typed by its format file, attached
/// through a perf event of the tracepoint's id.
struct TracepointProvider: ProbeProvider {
    let descriptor: ProviderDescriptor

    func expand(_ target: ProbeTarget, in environment: ProviderEnvironment) throws -> [ProbeTarget] {
        let kernel = environment.kernel
        // Only the wildcard and error paths need the joined name (its first generic join of
        // a start costs a conformance lookup).
        var pattern: String { target.parts.joined(separator: ":") }
        if target.hasWildcard {
            let names: [TracepointName]
            do { names = try kernel.tracepoints(matching: pattern) } catch { throw Self.unreadable(pattern, error) }
            return names.map { ProbeTarget(kind: target.kind, parts: [$0.category, $0.event]) }
        }
        guard kernel.hasTracepoint(category: target.parts[0], event: target.parts[1]) else {
            // Without read access to tracefs (an unprivileged user) nothing can be said about
            // which tracepoints exist: say why, not "does not exist".
            do { _ = try kernel.tracepoints() } catch { throw Self.unreadable(pattern, error) }
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

    static func unreadable(_ pattern: String, _ error: Kernel.CatalogueError) -> Language.CatalogueError {
        Language.CatalogueError(
            "tracepoint '\(pattern)' cannot be looked up: \(error)", notes: accessHint(error).map { [$0] } ?? [])
    }

    /// What to do when tracefs refused us: it is readable by root only on most systems.
    static func accessHint(_ error: Kernel.CatalogueError) -> String? {
        guard case .traceFS(.unreadable(_, let code)) = error, code.code == EACCES || code.code == EPERM else {
            return nil
        }
        return "tracefs is readable by root only here: run bpfsh as root (tracing also needs CAP_BPF and CAP_PERFMON)"
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
