import Kernel
import Language

/// How one provider works on the live kernel: the other half of its `ProviderDescriptor` row.
/// One file per provider in this folder; adding a provider is a descriptor row plus one
/// conformance, registered in a `ProviderRegistry`.
///
/// Only `expand` and `attach` have no default: a provider's context comes from its
/// descriptor's `ContextShape`, and its load options from the descriptor's attach type.
public protocol ProbeProvider: Sendable {
    var descriptor: ProviderDescriptor { get }
    /// The concrete attach points `target` names on this machine (wildcards expanded, a
    /// library resolved to its path), or why it cannot be used here.
    func expand(_ target: ProbeTarget, in environment: ProviderEnvironment) throws -> [ProbeTarget]
    /// What a probe body sees at one concrete attach point.
    func context(for target: ProbeTarget, in environment: ProviderEnvironment) throws -> ProbeContext
    /// What the kernel needs at load time besides the instructions (attach type, BTF id).
    func loadOptions(for spec: ProgramSpec, in environment: ProviderEnvironment) throws -> LoadedProgram.LoadOptions
    /// Attaches a loaded program; nil when the provider runs its programs instead (BEGIN, END).
    func attach(
        _ program: LoadedProgram, to target: ProbeTarget, pid: Int32, in environment: ProviderEnvironment
    ) throws -> AttachedLink?
}

extension ProbeProvider {
    public func context(for target: ProbeTarget, in environment: ProviderEnvironment) throws -> ProbeContext {
        try environment.context(shape: descriptor.context, for: target)
    }

    public func loadOptions(
        for spec: ProgramSpec, in environment: ProviderEnvironment
    ) throws
        -> LoadedProgram.LoadOptions
    {
        LoadedProgram.LoadOptions(expectedAttachType: spec.attachType?.rawValue ?? 0)
    }

    /// The refusal for a provider whose kernel feature is missing: the reason, what still works
    /// (`unavailableNote`) and, for a kernel function, the tracepoints covering the same ground.
    func unavailable(
        _ target: ProbeTarget, reason: String, in environment: ProviderEnvironment
    ) -> Language.CatalogueError {
        var notes = descriptor.unavailableNote.map { [$0] } ?? []
        if descriptor.suggestsCoveringTracepoints {
            let alternatives = KprobeAlternatives(catalogue: environment.kernel)
                .suggestions(for: target.parts.last ?? "", limit: 5)
            if !alternatives.isEmpty {
                notes.append(
                    "tracepoints covering the same ground: " + alternatives.map(\.probe).joined(separator: ", "))
            }
        }
        return Language.CatalogueError(
            "\(target.kind.rawValue) probes cannot attach on this kernel: \(reason)", notes: notes)
    }
}
