/// Pass 2: types of every expression, variable and map. A map's type is the union of every
/// probe's use of it, and a probe may read a map that a later probe assigns, so the bodies are
/// typed again until the maps stop changing; only the last round's diagnostics stand, being
/// the only round that saw every map as it finally is.
extension SemanticAnalyzer {
    /// Rounds after which map types must have settled (each round can only widen them).
    static let maximumTypingRounds = 8

    mutating func inferTypes(_ program: Program, _ resolved: [ResolvedAttachPoint]) -> [ProbeUnit] {
        for known in options.knownMaps where maps[known.name] == nil {
            maps[known.name] = known
            mapOrder.append(known.name)
        }
        var units: [ProbeUnit] = []
        for _ in 0..<Self.maximumTypingRounds {
            let before = maps
            diagnostics = []
            unassignedUses = []
            formats = []
            units = resolved.map { typeUnit(program.probes[$0.probeIndex], at: $0) }
            if maps == before { break }
        }
        return units
    }

    private mutating func typeUnit(_ probe: Probe, at point: ResolvedAttachPoint) -> ProbeUnit {
        exprTypes = [:]
        variables = [:]
        declaredUntyped = []
        formatIDs = [:]
        constants = [:]
        stringConstants = [:]
        members = [:]
        perCPUVariables = [:]
        context = point.context
        target = point.target
        provider = point.provider
        // Twice, so a variable assigned late in the body types its earlier uses.
        for _ in 0..<2 {
            if let predicate = probe.predicate { _ = infer(predicate) }
            checkBlock(probe.body)
        }
        var unit = ProbeUnit(
            probeIndex: point.probeIndex, target: point.target, provider: point.provider, context: point.context,
            predicate: probe.predicate, body: probe.body, exprTypes: exprTypes,
            variables: variables, formatIDs: formatIDs, constants: constants, members: members,
            range: point.range)
        unit.stringConstants = stringConstants
        unit.perCPUVariables = perCPUVariables
        return unit
    }
}
