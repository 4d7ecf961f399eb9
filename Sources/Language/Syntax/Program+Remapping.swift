/// Rewrites every range of a parsed program, to turn ranges of the preprocessed text into
/// ranges of the files the user wrote.
extension Program {
    func remapped(_ map: (SourceRange) -> SourceRange) -> Program {
        var copy = self
        copy.config = config.map { assignment in
            var a = assignment
            a.range = map(assignment.range)
            a.valueRange = map(assignment.valueRange)
            return a
        }
        copy.mapDeclarations = mapDeclarations.map { declaration in
            var d = declaration
            d.range = map(declaration.range)
            return d
        }
        copy.macros = macros.map { macro in
            var m = macro
            m.range = map(macro.range)
            m.body = macro.body.map { $0.remapped(map) }
            m.result = macro.result?.remapped(map)
            return m
        }
        copy.records = records.map { record in
            var r = record
            r.range = map(record.range)
            r.fields = record.fields.map { field in
                var f = field
                f.range = map(field.range)
                return f
            }
            return r
        }
        copy.typedefs = typedefs.map { typedef in
            var t = typedef
            t.range = map(typedef.range)
            return t
        }
        copy.probes = probes.map { probe in
            var p = probe
            p.range = map(probe.range)
            p.attachPoints = probe.attachPoints.map { AttachPointSyntax(text: $0.text, range: map($0.range)) }
            p.predicate = probe.predicate?.remapped(map)
            p.body = probe.body.map { $0.remapped(map) }
            return p
        }
        return copy
    }
}

extension Stmt {
    func remapped(_ map: (SourceRange) -> SourceRange) -> Stmt {
        func block(_ body: [Stmt]) -> [Stmt] { body.map { $0.remapped(map) } }
        let kind: StmtKind
        switch self.kind {
        case .expr(let e): kind = .expr(e.remapped(map))
        case .assign(let target, let op, let value):
            kind = .assign(target: target.remapped(map), op: op, value: value.remapped(map))
        case .varDecl(let name, let type, let value):
            kind = .varDecl(name: name, type: type?.remapped(map), value: value?.remapped(map))
        case .ifElse(let condition, let then, let otherwise):
            kind = .ifElse(condition: condition.remapped(map), then: block(then), else: otherwise.map(block))
        case .whileLoop(let condition, let body):
            kind = .whileLoop(condition: condition.remapped(map), body: block(body))
        case .unroll(let count, let body): kind = .unroll(count: count.remapped(map), body: block(body))
        case .forMap(let variable, let m, let body):
            kind = .forMap(variable: variable, map: m.remapped(map), body: block(body))
        case .forRange(let variable, let from, let to, let body):
            kind = .forRange(variable: variable, from: from.remapped(map), to: to.remapped(map), body: block(body))
        case .block(let body): kind = .block(block(body))
        case .breakLoop, .continueLoop, .returnProbe: kind = self.kind
        }
        return Stmt(kind: kind, range: map(range))
    }
}

extension Expr {
    func remapped(_ map: (SourceRange) -> SourceRange) -> Expr {
        func r(_ e: Expr) -> Expr { e.remapped(map) }
        let kind: ExprKind
        switch self.kind {
        case .integer, .string, .builtin, .variable, .positional, .positionalCount: kind = self.kind
        case .map(let name, let keys): kind = .map(name: name, keys: keys.map(r))
        case .call(let name, let args): kind = .call(name: name, args: args.map(r))
        case .unary(let op, let operand): kind = .unary(op: op, operand: r(operand))
        case .binary(let op, let lhs, let rhs): kind = .binary(op: op, lhs: r(lhs), rhs: r(rhs))
        case .ternary(let c, let t, let e): kind = .ternary(condition: r(c), then: r(t), else: r(e))
        case .field(let base, let name, let arrow): kind = .field(base: r(base), name: name, arrow: arrow)
        case .index(let base, let index): kind = .index(base: r(base), index: r(index))
        case .cast(let type, let operand): kind = .cast(type: type.remapped(map), operand: r(operand))
        case .tuple(let elements): kind = .tuple(elements.map(r))
        case .record(let names, let values): kind = .record(names: names, values: values.map(r))
        case .postIncrement(let op, let target): kind = .postIncrement(op: op, target: r(target))
        case .preIncrement(let op, let target): kind = .preIncrement(op: op, target: r(target))
        case .sizeof(let type): kind = .sizeof(type.remapped(map))
        case .typeOf(let type): kind = .typeOf(type.remapped(map))
        case .offsetof(let type, let path): kind = .offsetof(type.remapped(map), path)
        case .block(let statements, let value):
            kind = .block(statements.map { $0.remapped(map) }, r(value))
        }
        return Expr(id: id, kind: kind, range: map(range))
    }
}

extension TypeSyntax {
    func remapped(_ map: (SourceRange) -> SourceRange) -> TypeSyntax {
        var copy = self
        copy.range = map(range)
        copy.typeOfExpression = typeOfExpression.map { TypeOfExpression($0.expression.remapped(map)) }
        return copy
    }
}
