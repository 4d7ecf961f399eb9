/// An attach point after resolution: which probe it belongs to, the concrete target (wildcards
/// expanded) and the context its body sees there.
struct ResolvedAttachPoint {
    var probeIndex: Int
    var target: ProbeTarget
    var provider: ProviderDescriptor
    var context: ProbeContext
    var range: SourceRange
}

/// Pass 1: every attach point parsed for its provider, expanded against the catalogue, and
/// given its context. Catalogue look-ups can touch tracefs, so this runs once; nothing can be
/// typed before it succeeds.
enum ResolveAttachPoints {
    static func run(
        _ program: Program, catalogue: ProbeCatalogue, providers: ProviderTable
    ) throws -> [ResolvedAttachPoint] {
        var diagnostics: [Diagnostic] = []
        var resolved: [ResolvedAttachPoint] = []
        for (index, probe) in program.probes.enumerated() {
            for point in probe.attachPoints {
                do {
                    let parsed = try AttachPointParser.parse(point, providers: providers)
                    let targets = try catalogue.expand(parsed)
                    if targets.isEmpty {
                        diagnostics.append(Diagnostic("no probe matches '\(point.text)'", at: point.range))
                    }
                    for target in targets {
                        resolved.append(
                            ResolvedAttachPoint(
                                probeIndex: index, target: target, provider: providers[target.kind]!,
                                context: try catalogue.context(for: target),
                                range: point.range))
                    }
                } catch let d as Diagnostic {
                    diagnostics.append(d)
                } catch let e as CatalogueError {
                    diagnostics.append(Diagnostic(e.message, at: point.range, notes: e.notes))
                }
            }
        }
        if !diagnostics.isEmpty { throw DiagnosticList(diagnostics) }
        return resolved
    }
}
