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
    /// With `missing_probes` set to warn or ignore, an attach point this kernel does not have
    /// is dropped (with a warning for warn) instead of failing the program, as in bpftrace.
    static func run(
        _ program: Program, catalogue: ProbeCatalogue, providers: ProviderTable,
        config: ProgramConfig = ProgramConfig(), probeFilter: String? = nil, warnings: inout [Diagnostic]
    ) throws -> [ResolvedAttachPoint] {
        var diagnostics: [Diagnostic] = []
        var resolved: [ResolvedAttachPoint] = []
        // The command line checked the pattern; an invalid one here filters nothing.
        let filter = probeFilter.flatMap { try? Regex($0) }
        for (index, probe) in program.probes.enumerated() {
            var missing = 0
            for point in probe.attachPoints {
                let parsed: ProbeTarget
                do { parsed = try AttachPointParser.parse(point, providers: providers) } catch let d as Diagnostic {
                    diagnostics.append(d)
                    continue
                }
                do {
                    var targets: [ProbeTarget]
                    do { targets = try catalogue.expand(parsed) } catch let e as CatalogueError {
                        guard config.missingProbes != "error" else { throw e }
                        if config.missingProbes == "warn" {
                            warnings.append(
                                Diagnostic(
                                    // bpftrace's words: the reason, then "Skipping."
                                    e.message + (e.message.hasSuffix(".") ? " " : ". ") + "Skipping.",
                                    at: point.range,
                                    severity: .warning))
                        }
                        targets = []
                        missing += 1
                    }
                    if targets.isEmpty && config.missingProbes == "error" {
                        diagnostics.append(Diagnostic("no probe matches '\(point.text)'", at: point.range))
                    }
                    if let filter {
                        targets = targets.filter {
                            providers[$0.kind]?.isRunNotAttached == true || $0.name.contains(filter)
                        }
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
                    diagnostics.append(Diagnostic(e.message, at: point.range, notes: e.notes, atAttach: e.atAttach))
                }
            }
            if missing > 0 && missing == probe.attachPoints.count && config.missingProbes == "warn" {
                warnings.append(
                    Diagnostic(
                        "Probe has no valid attach points. It is being removed which may cause issues with "
                            + "program behavior.", at: probe.range, severity: .warning))
            }
        }
        if !diagnostics.isEmpty { throw DiagnosticList(diagnostics) }
        let limit = min(config.maxProbes, config.maxBPFPrograms)
        if resolved.count > limit, let first = program.probes.first {
            let name = config.maxProbes <= config.maxBPFPrograms ? "max_probes" : "max_bpf_progs"
            throw DiagnosticList([
                Diagnostic(
                    "this program expands to \(resolved.count) probes, more than \(name) (\(limit))",
                    at: first.range,
                    notes: ["raise it with 'config = { \(name) = N }' or BPFTRACE_\(name.uppercased())"])
            ])
        }
        if resolved.isEmpty, let first = program.probes.first {
            // bpftrace's words; the warnings that explain it come first, since nothing runs.
            throw DiagnosticList(
                warnings.filter { $0.severity == .warning }
                    + [
                        Diagnostic(
                            "No probes to attach", at: first.range,
                            notes: [
                                probeFilter != nil
                                    ? "--probe-filter '\(probeFilter!)' matches none of them"
                                    : "every attach point is missing on this kernel"
                            ])
                    ])
        }
        return resolved
    }
}
