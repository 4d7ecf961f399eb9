import Language

/// Whether statements can run some statement more than once: a loop of any kind, also inside
/// a block expression (a macro's body). Used to bound what BEGIN and END can send.
enum LoopSearch {
    static func containsLoop(_ statements: [Stmt]) -> Bool {
        statements.contains(where: containsLoop)
    }

    static func containsLoop(_ statement: Stmt) -> Bool {
        switch statement.kind {
        case .whileLoop, .unroll, .forMap, .forRange: return true
        case .expr(let expr): return containsLoop(expr)
        case .assign(let target, _, let value): return containsLoop(target) || containsLoop(value)
        case .varDecl(_, _, let value): return value.map(containsLoop) ?? false
        case .ifElse(let condition, let then, let otherwise):
            return containsLoop(condition) || containsLoop(then) || containsLoop(otherwise ?? [])
        case .block(let body): return containsLoop(body)
        case .breakLoop, .continueLoop, .returnProbe: return false
        }
    }

    static func containsLoop(_ expr: Expr) -> Bool {
        switch expr.kind {
        case .block(let statements, let value): return containsLoop(statements) || containsLoop(value)
        case .map(_, let parts), .call(_, let parts), .tuple(let parts), .record(_, let parts):
            return parts.contains(where: containsLoop)
        case .unary(_, let operand), .cast(_, let operand), .field(let operand, _, _), .postIncrement(_, let operand),
            .preIncrement(_, let operand):
            return containsLoop(operand)
        case .binary(_, let lhs, let rhs), .index(let lhs, let rhs): return containsLoop(lhs) || containsLoop(rhs)
        case .ternary(let condition, let then, let otherwise):
            return containsLoop(condition) || containsLoop(then) || containsLoop(otherwise)
        case .integer, .string, .builtin, .variable, .positional, .positionalCount, .sizeof, .typeOf, .offsetof:
            return false
        }
    }
}
