extension SemanticAnalyzer {
    /// Gives each declared map its declaration, once typing knows what the map holds: per-CPU
    /// kinds hold aggregations (their values are summed across CPUs), the others plain values.
    mutating func applyDeclarations(_ declarations: [MapDeclaration], warnings: inout [Diagnostic]) {
        var seen: Set<String> = []
        for declaration in declarations {
            let name = declaration.name
            guard seen.insert(name).inserted else {
                error("@\(name) is declared more than once", declaration.range)
                continue
            }
            guard var info = maps[name] else {
                warnings.append(Diagnostic("Unused map: @\(name)", at: declaration.range, severity: .warning))
                continue
            }
            if declaration.isPerCPU && !info.isPerCPU {
                error(
                    "@\(name) is declared \(declaration.kind.rawValue), which holds aggregations such as count(), "
                        + "but is assigned plain values", declaration.range,
                    notes: ["declare it hash or lruhash"])
                continue
            }
            if !declaration.isPerCPU && info.isPerCPU {
                error(
                    "@\(name) holds an aggregation, so it must be declared percpuhash or percpulruhash, "
                        + "not \(declaration.kind.rawValue)", declaration.range)
                continue
            }
            info.declaration = declaration
            if !declaration.isLRU {
                let id = options.formatIDBase + formats.count
                formats.append(
                    FormatCall(
                        id: id,
                        action: .report(
                            format: "Map full; can't update element", place: place(of: declaration.range),
                            isError: false),
                        argumentTypes: [], range: declaration.range, argumentRanges: []))
                info.fullWarning = id
            }
            maps[name] = info
        }
    }
}
