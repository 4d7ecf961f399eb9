/// Which maps a program reads or writes, for `probes` and `show`.
public enum MapUsage {
    public static func names(in probes: [Probe]) -> [String] {
        var seen: [String] = []
        func visit(_ expr: Expr) {
            switch expr.kind {
            case .map(let name, let keys):
                if !seen.contains(name) { seen.append(name) }
                keys.forEach(visit)
            case .call(_, let args): args.forEach(visit)
            case .unary(_, let operand): visit(operand)
            case .binary(_, let lhs, let rhs):
                visit(lhs)
                visit(rhs)
            case .ternary(let c, let t, let e):
                visit(c)
                visit(t)
                visit(e)
            case .field(let base, _, _): visit(base)
            case .index(let base, let index):
                visit(base)
                visit(index)
            case .cast(_, let operand): visit(operand)
            case .tuple(let elements), .record(_, let elements): elements.forEach(visit)
            case .postIncrement(_, let target), .preIncrement(_, let target): visit(target)
            case .block(let statements, let value):
                statements.forEach(visit)
                visit(value)
            case .integer, .string, .builtin, .variable, .positional, .positionalCount, .sizeof, .typeOf, .offsetof: break
            }
        }
        func visit(_ statement: Stmt) {
            switch statement.kind {
            case .expr(let e): visit(e)
            case .assign(let target, _, let value):
                visit(target)
                visit(value)
            case .varDecl(_, _, let value): value.map(visit)
            case .ifElse(let c, let then, let otherwise):
                visit(c)
                then.forEach(visit)
                otherwise?.forEach(visit)
            case .whileLoop(let c, let body):
                visit(c)
                body.forEach(visit)
            case .unroll(let n, let body):
                visit(n)
                body.forEach(visit)
            case .forMap(_, let map, let body):
                visit(map)
                body.forEach(visit)
            case .forRange(_, let from, let to, let body):
                visit(from)
                visit(to)
                body.forEach(visit)
            case .block(let body): body.forEach(visit)
            case .breakLoop, .continueLoop, .returnProbe: break
            }
        }
        for probe in probes {
            probe.predicate.map(visit)
            probe.body.forEach(visit)
        }
        return seen
    }
}
