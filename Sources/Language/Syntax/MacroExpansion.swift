/// Expands `macro` definitions into the probes that call them, before anything is typed, as
/// bpftrace does: a call in an expression becomes a block expression (`{ body; value }`), a
/// call as a statement the body's statements.
///
/// Hygiene follows bpftrace: a `$x` parameter is the caller's variable (the macro may change
/// it), an `@x` parameter the caller's map, a bare parameter the argument expression itself,
/// evaluated wherever it appears; every other `$variable` of the body is renamed per expansion,
/// so it cannot collide with the caller's. Expression ids are renumbered at the end, since an
/// argument may now appear several times.
enum MacroExpansion {
    static let maximumDepth = 64

    static func run(_ program: Program, nextID: Int) throws -> Program {
        guard !program.macros.isEmpty else { return program }
        var macros: [String: MacroDefinition] = [:]
        for definition in program.macros {
            if macros[definition.name] != nil {
                throw Diagnostic("macro \(definition.name)() is defined twice", at: definition.range)
            }
            macros[definition.name] = definition
        }
        var expander = ProgramMacroExpander(macros: macros)
        var copy = program
        for index in copy.probes.indices {
            copy.probes[index].predicate = try copy.probes[index].predicate.map { try expander.expression($0, depth: 0) }
            copy.probes[index].body = try expander.statements(copy.probes[index].body, depth: 0)
        }
        var counter = nextID
        copy.probes = copy.probes.map { probe in
            var p = probe
            p.predicate = probe.predicate.map { $0.renumbered(&counter) }
            p.body = probe.body.map { $0.renumbered(&counter) }
            return p
        }
        return copy
    }
}

struct ProgramMacroExpander {
    let macros: [String: MacroDefinition]
    private var expansions = 0

    init(macros: [String: MacroDefinition]) { self.macros = macros }

    mutating func statements(_ list: [Stmt], depth: Int) throws -> [Stmt] {
        try list.map { try statement($0, depth: depth) }
    }

    mutating func statement(_ s: Stmt, depth: Int) throws -> Stmt {
        // `m(args);` and a bare `m;`: the body's statements, the value (if any) evaluated too.
        if case .expr(let e) = s.kind, let (definition, args) = macroCall(e) {
            let (body, value) = try expand(definition, args, at: e.range, depth: depth)
            return Stmt(kind: .block(body + (value.map { [Stmt(kind: .expr($0), range: $0.range)] } ?? [])), range: s.range)
        }
        return try s.rewritingExpressions { try self.expression($0, depth: depth) } blocks: {
            try self.statements($0, depth: depth)
        }
    }

    mutating func expression(_ e: Expr, depth: Int) throws -> Expr {
        if let (definition, args) = macroCall(e) {
            let (body, value) = try expand(definition, args, at: e.range, depth: depth)
            guard let value else {
                throw Diagnostic("macro \(definition.name)() has no value to use here: its body ends with ';'", at: e.range)
            }
            return body.isEmpty ? value : Expr(id: e.id, kind: .block(body, value), range: e.range)
        }
        return try e.rewritingChildren({ try self.expression($0, depth: depth) }) { try self.statements($0, depth: depth) }
    }

    private func macroCall(_ e: Expr) -> (MacroDefinition, [Expr])? {
        switch e.kind {
        // A call whose arity no macro of that name has is left to the builtins and functions.
        case .call(let name, let args):
            guard let definition = macros[name], definition.parameters.count == args.count else { return nil }
            return (definition, args)
        case .builtin(let name):
            guard let definition = macros[name], definition.parameters.isEmpty else { return nil }
            return (definition, [])
        default: return nil
        }
    }

    /// The body of one call: arguments expanded first, then put in place of the parameters,
    /// local variables renamed, and macros the body calls expanded in turn.
    private mutating func expand(
        _ definition: MacroDefinition, _ rawArguments: [Expr], at range: SourceRange, depth: Int
    ) throws -> ([Stmt], Expr?) {
        guard depth < MacroExpansion.maximumDepth else {
            throw Diagnostic(
                "macro \(definition.name)() expands more than \(MacroExpansion.maximumDepth) levels deep "
                    + "(does it call itself?)", at: range)
        }
        guard rawArguments.count == definition.parameters.count else {
            throw Diagnostic(
                "macro \(definition.name)() takes \(definition.parameters.count) argument(s), "
                    + "\(rawArguments.count) given", at: range)
        }
        let arguments = try rawArguments.map { try expression($0, depth: depth) }
        expansions += 1
        var substitution = ProgramMacroSubstitution(suffix: "__\(definition.name)_\(expansions)")
        for (parameter, argument) in zip(definition.parameters, arguments) {
            if parameter.hasPrefix("$") {
                guard case .variable(let name) = argument.kind else {
                    throw Diagnostic(
                        "macro \(definition.name)(): the argument for \(parameter) must be a $variable", at: argument.range)
                }
                substitution.variables[String(parameter.dropFirst())] = name
            } else if parameter.hasPrefix("@") {
                guard case .map(let name, let keys) = argument.kind, keys.isEmpty else {
                    throw Diagnostic(
                        "macro \(definition.name)(): the argument for \(parameter) must be a whole map such as @m",
                        at: argument.range)
                }
                substitution.maps[String(parameter.dropFirst())] = name
            } else {
                substitution.expressions[parameter] = argument
            }
        }
        let body = try definition.body.map { try substitution.statement($0) }
        let value = try definition.value.map { try substitution.expression($0) }
        return (try statements(body, depth: depth + 1), try value.map { try expression($0, depth: depth + 1) })
    }
}

/// Parameters replaced by arguments, other variables renamed, in one copy of a macro's body.
struct ProgramMacroSubstitution {
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
        case .integer, .string, .builtin, .variable, .positional, .positionalCount, .sizeof: kind = self.kind
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
