/// A `for` loop's variable lives only in its loop, as in bpftrace: a probe may loop twice with
/// `$kv` over maps of different types. bpfsh's variables belong to the whole probe, so a loop
/// that reuses an earlier loop's variable name gets a name of its own (the first keeps the
/// name the user wrote, which its messages show).
enum LoopScoping {
    static func run(_ program: Program) throws -> Program {
        var copy = program
        for index in copy.probes.indices {
            var seen: Set<String> = []
            var renamed = 0
            copy.probes[index].body = try scope(copy.probes[index].body, &seen, &renamed)
        }
        return copy
    }

    private static func scope(_ block: [Stmt], _ seen: inout Set<String>, _ renamed: inout Int) throws -> [Stmt] {
        try block.map { statement in
            var name: String? = nil
            switch statement.kind {
            case .forMap(let variable, _, _), .forRange(let variable, _, _, _): name = variable
            default: break
            }
            var current = statement
            if let name {
                if seen.contains(name) {
                    renamed += 1
                    var substitution = SyntaxSubstitution(suffix: "")
                    substitution.variables[name] = "\(name)__loop\(renamed)"
                    current = try substitution.statement(statement)
                }
                seen.insert(name)
            }
            var local = seen, count = renamed
            let result = try current.rewritingExpressions({ $0 }, blocks: { try scope($0, &local, &count) })
            seen = local
            renamed = count
            return result
        }
    }
}
