/// Expands bpftrace's language macros (`macro name($v, @m, e) { ... }`; the C preprocessor's
/// `#define`s are `MacroExpander`'s) before type checking, as semantic text replacement with
/// bpftrace's hygiene rules:
/// - a `$v` parameter takes a scratch variable, which the body reads and may change;
/// - an `@m` parameter takes a map, which the body reads and may change;
/// - an `e` parameter takes any expression, inserted (again evaluated) wherever `e` appears;
/// - every other `$variable` of the body is the expansion's own (renamed so it cannot meet
///   the caller's), and a map the body names must come in through a parameter.
/// A macro whose body ends in an expression without `;` has that value; used as a statement
/// its body simply runs. Macros call each other in any definition order, a zero-parameter
/// macro may be named bare (`one` for `one()`), and recursion is refused.
public struct LanguageMacroExpander {
    private var macros: [String: [MacroDefinition]] = [:]
    private var nextID: Int
    private var expansions = 0
    /// The macros being expanded, outermost first: a macro met again calls itself.
    private var active: [String] = []
    /// Each body expression's macro call (see `Program.expandedFrom`).
    private var expandedFrom: [Int: SourceRange] = [:]
    static let maximumDepth = 64

    public static func expand(_ program: Program) throws -> Program {
        guard !program.macros.isEmpty else { return program }
        var expander = LanguageMacroExpander(program)
        var copy = program
        copy.probes = try program.probes.map { probe in
            var p = probe
            p.predicate = try probe.predicate.map { try expander.expand($0) }
            p.body = try expander.expand(probe.body)
            return p
        }
        copy.macros = []
        copy.expandedFrom = expander.expandedFrom
        return copy
    }

    private init(_ program: Program) {
        for macro in program.macros { macros[macro.name, default: []].append(macro) }
        var highest = 0
        func note(_ e: Expr) { highest = max(highest, e.id) }
        for probe in program.probes {
            probe.predicate.map { $0.forEachExpr(note) }
            probe.body.forEach { $0.forEachExpr(note) }
        }
        for macro in program.macros {
            macro.body.forEach { $0.forEachExpr(note) }
            macro.result?.forEachExpr(note)
        }
        nextID = highest
    }

    private func definition(_ name: String, arity: Int) -> MacroDefinition? {
        macros[name]?.first { $0.parameters.count == arity }
    }

    // MARK: Walking the program

    private mutating func expand(_ statements: [Stmt]) throws -> [Stmt] {
        try statements.map { try expand($0) }
    }

    private mutating func expand(_ statement: Stmt) throws -> Stmt {
        let kind: StmtKind
        switch statement.kind {
        case .expr(let e):
            // A macro called as a statement runs its body; its value, if any, is discarded.
            if let (macro, args) = macroCall(e) {
                return Stmt(kind: .block(try instantiate(macro, args, at: e, asValue: false).statements), range: statement.range)
            }
            kind = .expr(try expand(e))
        case .assign(let target, let op, let value):
            kind = .assign(target: try expand(target), op: op, value: try expand(value))
        case .varDecl(let name, let type, let value):
            kind = .varDecl(name: name, type: type, value: try value.map { try expand($0) })
        case .ifElse(let condition, let then, let otherwise):
            kind = .ifElse(condition: try expand(condition), then: try expand(then), else: try otherwise.map { try expand($0) })
        case .whileLoop(let condition, let body):
            kind = .whileLoop(condition: try expand(condition), body: try expand(body))
        case .unroll(let count, let body): kind = .unroll(count: try expand(count), body: try expand(body))
        case .forMap(let variable, let map, let body):
            kind = .forMap(variable: variable, map: try expand(map), body: try expand(body))
        case .forRange(let variable, let from, let to, let body):
            kind = .forRange(variable: variable, from: try expand(from), to: try expand(to), body: try expand(body))
        case .block(let body): kind = .block(try expand(body))
        case .breakLoop, .continueLoop, .returnProbe: kind = statement.kind
        }
        return Stmt(kind: kind, range: statement.range)
    }

    private mutating func expand(_ expr: Expr) throws -> Expr {
        if let (macro, args) = macroCall(expr) {
            return try instantiate(macro, args, at: expr, asValue: true).value!
        }
        return try expr.mapChildren { try expand($0) } statements: { try expand($0) }
    }

    /// The macro an expression calls, with its arguments: `name(args)` or a bare `name`.
    private func macroCall(_ expr: Expr) -> (MacroDefinition, [Expr])? {
        switch expr.kind {
        case .call(let name, let args): return definition(name, arity: args.count).map { ($0, args) }
        case .builtin(let name): return definition(name, arity: 0).map { ($0, []) }
        default: return nil
        }
    }

    // MARK: One expansion

    private mutating func instantiate(
        _ macro: MacroDefinition, _ arguments: [Expr], at call: Expr, asValue: Bool
    ) throws -> (statements: [Stmt], value: Expr?) {
        if active.contains(macro.name) {
            throw Diagnostic(
                "the macro '\(macro.name)' calls itself (\((active + [macro.name]).joined(separator: " → "))): "
                    + "macros cannot recurse", at: call.range)
        }
        guard active.count < Self.maximumDepth else {
            throw Diagnostic("macros nested more than \(Self.maximumDepth) deep", at: call.range)
        }
        if asValue && macro.result == nil {
            throw Diagnostic(
                "the macro '\(macro.name)' has no value to use here: its body does not end in an expression "
                    + "without ';'", at: call.range)
        }
        // Arguments are the caller's code: their own macros expand in the caller's terms.
        let arguments = try arguments.map { try expand($0) }
        var binding = Binding(macro: macro.name, expansion: expansions, site: call.range)
        expansions += 1
        for (parameter, argument) in zip(macro.parameters, arguments) {
            switch parameter {
            case .variable(let name):
                guard case .variable(let passed) = argument.kind else {
                    throw Diagnostic(
                        "the macro '\(macro.name)' takes a scratch variable for $\(name) (it may change it), "
                            + "not this expression", at: argument.range)
                }
                binding.variables[name] = passed
            case .map(let name):
                guard case .map(let passed, let keys) = argument.kind, keys.isEmpty else {
                    throw Diagnostic(
                        "the macro '\(macro.name)' takes a map for @\(name), such as @counts", at: argument.range)
                }
                binding.maps[name] = passed
            case .expression(let name): binding.expressions[name] = argument
            }
        }
        var statements = try macro.body.map { try substitute($0, &binding) }
        var value = try macro.result.map { try substitute($0, &binding) }
        // The body's own macro calls, now in terms of the caller's variables and maps.
        active.append(macro.name)
        defer { active.removeLast() }
        statements = try expand(statements)
        value = try value.map { try expand($0) }
        guard asValue, let result = value else {
            return (statements + (value.map { [Stmt(kind: .expr($0), range: $0.range)] } ?? []), nil)
        }
        if statements.isEmpty { return ([], result) }
        return ([], fresh(.block(statements, result), call.range))
    }

    /// What the names of one expansion stand for.
    private struct Binding {
        let macro: String
        let expansion: Int
        /// The call being expanded.
        let site: SourceRange
        var variables: [String: String] = [:]
        var maps: [String: String] = [:]
        var expressions: [String: Expr] = [:]

        /// The expansion's own name for a variable of the body that is not a parameter.
        func local(_ name: String) -> String { variables[name] ?? "__\(macro)_\(expansion)_\(name)" }
    }

    private mutating func substitute(_ statement: Stmt, _ binding: inout Binding) throws -> Stmt {
        func block(_ body: [Stmt]) throws -> [Stmt] { try body.map { try substitute($0, &binding) } }
        let kind: StmtKind
        switch statement.kind {
        case .expr(let e): kind = .expr(try substitute(e, &binding))
        case .assign(let target, let op, let value):
            kind = .assign(target: try substitute(target, &binding), op: op, value: try substitute(value, &binding))
        case .varDecl(let name, let type, let value):
            kind = .varDecl(
                name: binding.local(name), type: try substitute(type, &binding),
                value: try value.map { try substitute($0, &binding) })
        case .ifElse(let condition, let then, let otherwise):
            kind = .ifElse(
                condition: try substitute(condition, &binding), then: try block(then),
                else: try otherwise.map { try block($0) })
        case .whileLoop(let condition, let body):
            kind = .whileLoop(condition: try substitute(condition, &binding), body: try block(body))
        case .unroll(let count, let body): kind = .unroll(count: try substitute(count, &binding), body: try block(body))
        case .forMap(let variable, let map, let body):
            kind = .forMap(variable: binding.local(variable), map: try substitute(map, &binding), body: try block(body))
        case .forRange(let variable, let from, let to, let body):
            kind = .forRange(
                variable: binding.local(variable), from: try substitute(from, &binding),
                to: try substitute(to, &binding), body: try block(body))
        case .block(let body): kind = .block(try block(body))
        case .breakLoop, .continueLoop, .returnProbe: kind = statement.kind
        }
        return Stmt(kind: kind, range: statement.range)
    }

    private mutating func substitute(_ expr: Expr, _ binding: inout Binding) throws -> Expr {
        switch expr.kind {
        case .variable(let name):
            return fresh(.variable(binding.local(name)), expr.range)
        case .builtin(let name) where binding.expressions[name] != nil:
            // Each use is a copy of the argument: it is evaluated again, as in bpftrace.
            return renumbered(binding.expressions[name]!)
        case .map(let name, let keys):
            guard let passed = binding.maps[name] else {
                throw Diagnostic(
                    "the macro '\(binding.macro)' uses @\(name), which is not one of its parameters: macros see "
                        + "only the maps passed to them (macro \(binding.macro)(@\(name), ...))", at: expr.range)
            }
            return fresh(.map(name: passed, keys: try keys.map { try substitute($0, &binding) }), expr.range)
        case .cast(let type, let operand):
            return fresh(.cast(type: try substitute(type, &binding), operand: try substitute(operand, &binding)), expr.range)
        case .sizeof(let type):
            return fresh(.sizeof(try substitute(type, &binding)), expr.range)
        case .typeOf(let type):
            return fresh(.typeOf(try substitute(type, &binding)), expr.range)
        case .offsetof(let type, let path):
            return fresh(.offsetof(try substitute(type, &binding), path), expr.range)
        case .call("sizeof", let args) where args.count == 1:
            // `sizeof(t)` and `sizeof(t[2])` of a type parameter are types, as bpftrace reads them.
            switch args[0].kind {
            case .builtin(let name):
                if let passed = passedType(name, binding) { return fresh(.sizeof(passed), expr.range) }
            case .index(let base, let index):
                if case .builtin(let name) = base.kind, let passed = passedType(name, binding),
                    case .integer(let length) = index.kind
                {
                    var type = passed
                    type.arrayLength = Int(length)
                    return fresh(.sizeof(type), expr.range)
                }
            default: break
            }
            var copy = try expr.mapChildren { try substitute($0, &binding) } statements: { try substitute($0, &binding) }
            nextID += 1
            copy.id = nextID
            return copy
        default:
            var copy = try expr.mapChildren { try substitute($0, &binding) } statements: { try substitute($0, &binding) }
            nextID += 1
            copy.id = nextID
            expandedFrom[copy.id] = binding.site
            return copy
        }
    }

    /// A type written with a parameter's name (`(t *)x`, `sizeof(t)`, `let $v: typeof(x)`)
    /// becomes the type the caller passed as `typeof(...)`, with the body's own `*`s and
    /// array length; `typeof(e)` of an expression parameter types the caller's expression.
    private mutating func substitute(_ type: TypeSyntax?, _ binding: inout Binding) throws -> TypeSyntax? {
        try type.map { try substitute($0, &binding) }
    }

    private mutating func substitute(_ type: TypeSyntax, _ binding: inout Binding) throws -> TypeSyntax {
        if let operand = type.typeOfExpression?.expression {
            if case .builtin(let name) = operand.kind, let passed = passedType(name, binding) {
                return applied(type, to: passed)
            }
            var copy = type
            copy.typeOfExpression = TypeOfExpression(try substitute(operand, &binding))
            return copy
        }
        guard let passed = passedType(type.name, binding) else { return type }
        return applied(type, to: passed)
    }

    /// The type an expression parameter was given as `typeof(...)`, if it was.
    private func passedType(_ name: String, _ binding: Binding) -> TypeSyntax? {
        guard case .typeOf(let passed) = binding.expressions[name]?.kind else { return nil }
        return passed
    }

    private func applied(_ written: TypeSyntax, to passed: TypeSyntax) -> TypeSyntax {
        var type = passed
        type.pointerDepth += written.pointerDepth
        if let length = written.arrayLength { type.arrayLength = length }
        type.range = written.range
        return type
    }

    private mutating func fresh(_ kind: ExprKind, _ range: SourceRange) -> Expr {
        nextID += 1
        return Expr(id: nextID, kind: kind, range: range)
    }

    /// A copy of an expression with new ids throughout (ids key the type checker's facts).
    private mutating func renumbered(_ expr: Expr) -> Expr {
        var copy = (try? expr.mapChildren { renumbered($0) } statements: { renumbered($0) }) ?? expr
        nextID += 1
        copy.id = nextID
        return copy
    }

    private mutating func renumbered(_ statement: Stmt) -> Stmt {
        (try? statement.mapExprs { renumbered($0) }) ?? statement
    }
}
