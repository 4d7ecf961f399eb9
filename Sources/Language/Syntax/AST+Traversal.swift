/// Generic walks over the syntax tree for passes that rewrite it (macro expansion): each
/// names every child once, so a pass only spells out the nodes it changes.
extension Expr {
    /// The expression with each direct child expression passed through `expression` and each
    /// statement of a block expression through `statement`; id and range kept.
    public func mapChildren(
        _ expression: (Expr) throws -> Expr, statements statement: (Stmt) throws -> Stmt
    ) rethrows -> Expr {
        let kind: ExprKind
        switch self.kind {
        case .integer, .string, .builtin, .variable, .positional, .positionalCount, .sizeof, .typeOf, .offsetof: kind = self.kind
        case .map(let name, let keys): kind = .map(name: name, keys: try keys.map(expression))
        case .call(let name, let args): kind = .call(name: name, args: try args.map(expression))
        case .unary(let op, let operand): kind = .unary(op: op, operand: try expression(operand))
        case .binary(let op, let lhs, let rhs): kind = .binary(op: op, lhs: try expression(lhs), rhs: try expression(rhs))
        case .ternary(let c, let t, let e): kind = .ternary(condition: try expression(c), then: try expression(t), else: try expression(e))
        case .field(let base, let name, let arrow): kind = .field(base: try expression(base), name: name, arrow: arrow)
        case .index(let base, let index): kind = .index(base: try expression(base), index: try expression(index))
        case .cast(let type, let operand): kind = .cast(type: type, operand: try expression(operand))
        case .tuple(let elements): kind = .tuple(try elements.map(expression))
        case .record(let names, let values): kind = .record(names: names, values: try values.map(expression))
        case .postIncrement(let op, let target): kind = .postIncrement(op: op, target: try expression(target))
        case .preIncrement(let op, let target): kind = .preIncrement(op: op, target: try expression(target))
        case .block(let statements, let value): kind = .block(try statements.map(statement), try expression(value))
        }
        return Expr(id: id, kind: kind, range: range)
    }

    /// Calls `visit` on this expression and every expression inside it, statements included.
    public func forEachExpr(_ visit: (Expr) -> Void) {
        visit(self)
        _ = mapChildren(
            { child in
                child.forEachExpr(visit)
                return child
            },
            statements: { statement in
                statement.forEachExpr(visit)
                return statement
            })
    }
}

extension Stmt {
    /// The statement with each direct expression passed through `expression`; nested
    /// statements (bodies of if, loops, blocks) are mapped the same way, recursively.
    public func mapExprs(_ expression: (Expr) throws -> Expr) rethrows -> Stmt {
        let kind: StmtKind
        switch self.kind {
        case .expr(let e): kind = .expr(try expression(e))
        case .assign(let target, let op, let value): kind = .assign(target: try expression(target), op: op, value: try expression(value))
        case .varDecl(let name, let type, let value): kind = .varDecl(name: name, type: type, value: try value.map(expression))
        case .ifElse(let condition, let then, let otherwise):
            kind = .ifElse(condition: try expression(condition), then: try then.map { try $0.mapExprs(expression) }, else: try otherwise.map { try $0.map { try $0.mapExprs(expression) } })
        case .whileLoop(let condition, let body): kind = .whileLoop(condition: try expression(condition), body: try body.map { try $0.mapExprs(expression) })
        case .unroll(let count, let body): kind = .unroll(count: try expression(count), body: try body.map { try $0.mapExprs(expression) })
        case .forMap(let variable, let map, let body):
            kind = .forMap(variable: variable, map: try expression(map), body: try body.map { try $0.mapExprs(expression) })
        case .forRange(let variable, let from, let to, let body):
            kind = .forRange(variable: variable, from: try expression(from), to: try expression(to), body: try body.map { try $0.mapExprs(expression) })
        case .block(let body): kind = .block(try body.map { try $0.mapExprs(expression) })
        case .breakLoop, .continueLoop, .returnProbe: kind = self.kind
        }
        return Stmt(kind: kind, range: range)
    }

    /// Calls `visit` on every expression in the statement, nested ones included.
    public func forEachExpr(_ visit: (Expr) -> Void) {
        _ = mapExprs { expression in
            expression.forEachExpr(visit)
            return expression
        }
    }
}
