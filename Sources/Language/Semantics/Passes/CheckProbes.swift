/// Pass 4: what each probe as a whole must satisfy, given its types: a predicate decides
/// whether the body runs, so it must be an integer or a comparison.
enum CheckProbes {
    static func run(_ program: Program, _ units: [ProbeUnit]) -> [Diagnostic] {
        units.compactMap { unit in
            guard let predicate = program.probes[unit.probeIndex].predicate,
                let type = unit.exprTypes[predicate.id], !type.isInteger
            else { return nil }
            return Diagnostic("a predicate must be an integer or a comparison, not \(type)", at: predicate.range)
        }
    }
}
