/// Pass 5: statements after `exit()` or `return` in the same block never run (both end the
/// probe); bpftrace warns about the first of them, and so does bpfsh.
enum CheckReachability {
    static func run(_ program: Program) -> [Diagnostic] {
        program.probes.flatMap { check($0.body) }
    }

    private static func check(_ block: [Stmt]) -> [Diagnostic] {
        var warnings: [Diagnostic] = []
        for (index, statement) in block.enumerated() {
            warnings += nested(statement).flatMap(check)
            if endsTheProbe(statement), index + 1 < block.count {
                warnings.append(Diagnostic("Unreachable statement", at: block[index + 1].range, severity: .warning))
                break
            }
        }
        return warnings
    }

    private static func endsTheProbe(_ statement: Stmt) -> Bool {
        switch statement.kind {
        case .returnProbe: return true
        case .expr(let expr): if case .call("exit", _) = expr.kind { return true } else { return false }
        case .block(let body): return body.last.map(endsTheProbe) ?? false
        default: return false
        }
    }

    private static func nested(_ statement: Stmt) -> [[Stmt]] {
        switch statement.kind {
        case .ifElse(_, let then, let otherwise): return [then] + (otherwise.map { [$0] } ?? [])
        case .whileLoop(_, let body), .unroll(_, let body), .forMap(_, _, let body), .forRange(_, _, _, let body),
            .block(let body):
            return [body]
        default: return []
        }
    }
}
