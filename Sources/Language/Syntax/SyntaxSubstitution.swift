/// Rewrites of the syntax tree that passes share: a substitution of names, and walks that
/// rebuild a statement or an expression around rewritten children.
/// Variables renamed (and maps and bare names replaced) in a copy of some statements: how a
/// loop's variable gets a name of its own (`LoopScoping`).
struct SyntaxSubstitution {
    let suffix: String
    var variables: [String: String] = [:]
    var maps: [String: String] = [:]
    var expressions: [String: Expr] = [:]

    func variable(_ name: String) -> String { variables[name] ?? name + suffix }

    func statement(_ s: Stmt) throws -> Stmt {
        var renamed = s
        switch s.kind {
        case .varDecl(let name, let type, let value): renamed.kind = .varDecl(name: variable(name), type: type, value: value)
        case .forMap(let name, let map, let body): renamed.kind = .forMap(variable: variable(name), map: map, body: body)
        case .forRange(let name, let from, let to, let body):
            renamed.kind = .forRange(variable: variable(name), from: from, to: to, body: body)
        default: break
        }
        return try renamed.rewritingExpressions { try self.expression($0) } blocks: { try $0.map(self.statement) }
    }

    func expression(_ e: Expr) throws -> Expr {
        switch e.kind {
        case .variable(let name): return Expr(id: e.id, kind: .variable(variable(name)), range: e.range)
        case .map(let name, let keys) where maps[name] != nil:
            return Expr(id: e.id, kind: .map(name: maps[name]!, keys: try keys.map(expression)), range: e.range)
        case .builtin(let name) where expressions[name] != nil: return expressions[name]!
        default:
            return try e.rewritingChildren(expression) { try $0.map(self.statement) }
        }
    }
}

extension Stmt {
    /// This statement with every expression directly in it replaced by `f`, and every nested
    /// block by `blocks`.
    func rewritingExpressions(_ f: (Expr) throws -> Expr, blocks: ([Stmt]) throws -> [Stmt]) rethrows -> Stmt {
        let kind: StmtKind
        switch self.kind {
        case .expr(let e): kind = .expr(try f(e))
        case .assign(let target, let op, let value): kind = .assign(target: try f(target), op: op, value: try f(value))
        case .varDecl(let name, let type, let value): kind = .varDecl(name: name, type: type, value: try value.map(f))
        case .ifElse(let condition, let then, let otherwise):
            kind = .ifElse(condition: try f(condition), then: try blocks(then), else: try otherwise.map(blocks))
        case .whileLoop(let condition, let body): kind = .whileLoop(condition: try f(condition), body: try blocks(body))
        case .unroll(let count, let body): kind = .unroll(count: try f(count), body: try blocks(body))
        case .forMap(let variable, let map, let body):
            kind = .forMap(variable: variable, map: try f(map), body: try blocks(body))
        case .forRange(let variable, let from, let to, let body):
            kind = .forRange(variable: variable, from: try f(from), to: try f(to), body: try blocks(body))
        case .block(let body): kind = .block(try blocks(body))
        case .breakLoop, .continueLoop, .returnProbe: kind = self.kind
        }
        return Stmt(kind: kind, range: range)
    }

    /// This statement with fresh expression ids.
    func renumbered(_ counter: inout Int) -> Stmt {
        var local = counter
        defer { counter = local }
        return rewritingExpressions({ $0.renumbered(&local) }, blocks: { $0.map { $0.renumbered(&local) } })
    }
}

extension Expr {
    /// This expression with each child expression replaced by `f` (statements of a block
    /// expression by `blocks`).
    func rewritingChildren(_ f: (Expr) throws -> Expr, _ blocks: ([Stmt]) throws -> [Stmt]) rethrows -> Expr {
        let kind: ExprKind
        switch self.kind {
        case .integer, .string, .builtin, .variable, .positional, .positionalCount, .sizeof, .typeOf, .offsetof: kind = self.kind
        case .map(let name, let keys): kind = .map(name: name, keys: try keys.map(f))
        case .call(let name, let args): kind = .call(name: name, args: try args.map(f))
        case .unary(let op, let operand): kind = .unary(op: op, operand: try f(operand))
        case .binary(let op, let lhs, let rhs): kind = .binary(op: op, lhs: try f(lhs), rhs: try f(rhs))
        case .ternary(let c, let t, let e): kind = .ternary(condition: try f(c), then: try f(t), else: try f(e))
        case .field(let base, let name, let arrow): kind = .field(base: try f(base), name: name, arrow: arrow)
        case .index(let base, let index): kind = .index(base: try f(base), index: try f(index))
        case .cast(let type, let operand): kind = .cast(type: type, operand: try f(operand))
        case .tuple(let elements): kind = .tuple(try elements.map(f))
        case .record(let names, let values): kind = .record(names: names, values: try values.map(f))
        case .postIncrement(let op, let target): kind = .postIncrement(op: op, target: try f(target))
        case .preIncrement(let op, let target): kind = .preIncrement(op: op, target: try f(target))
        case .block(let statements, let value): kind = .block(try blocks(statements), try f(value))
        }
        return Expr(id: id, kind: kind, range: range)
    }

    /// This expression and its children with fresh ids, in order.
    func renumbered(_ counter: inout Int) -> Expr {
        var local = counter
        defer { counter = local }
        local += 1
        let id = local
        var copy = rewritingChildren({ $0.renumbered(&local) }, { $0.map { $0.renumbered(&local) } })
        copy.id = id
        return copy
    }
}
