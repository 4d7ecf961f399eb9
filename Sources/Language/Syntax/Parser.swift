/// Parses bpftrace's language into a `Program`.
///
/// Consumes a `SourceFile`; produces a `Program` or throws the first `Diagnostic` (with the
/// range of the offending token). Accepts old and new spellings: `BEGIN`/`begin`,
/// `args->f`/`args.f`, comma-separated and wildcard attach points, C precedence.
public struct Parser {
    var lexer: Lexer
    var current: Token
    var nextID = 0
    /// Inside a predicate a bare `/` closes the predicate, as in bpftrace: divide in parentheses.
    var predicateDepth = 0
    var parenDepth = 0
    /// End of the token before `current`, where a construct that just ended stops.
    var previousEnd = 0
    /// Nesting of expressions and blocks; the recursive descent must stay within the stack.
    var depth = 0
    static let maximumDepth = 128

    /// Preprocesses (see `Preprocessor`) and parses `source`. Every range of the program and
    /// of a thrown diagnostic is in the files the user wrote, whatever macros and includes did.
    public static func parse(
        _ source: SourceFile, preprocessing: PreprocessorOptions = PreprocessorOptions()
    )
        throws -> Program
    {
        guard let expanded = try Preprocessor.run(source, options: preprocessing) else {
            var parser = try Parser(source)
            return try LoopScoping.run(LanguageMacroExpander.expand(parser.parseProgram()))
        }
        var program: Program
        do {
            var parser = try Parser(expanded.source)
            program = try parser.parseProgram().remapped(expanded.original)
            program.warnings += expanded.warnings
        } catch let diagnostic as Diagnostic {
            throw expanded.original(diagnostic)
        }
        return try LoopScoping.run(LanguageMacroExpander.expand(program))
    }

    /// Parses a lone expression (used by shell commands such as `where`).
    public static func parseExpression(_ source: SourceFile) throws -> Expr {
        var parser = try Parser(source)
        parser.current = try parser.lexer.next()
        let expr = try parser.parseExpression()
        try parser.expectEnd()
        return expr
    }

    private init(_ source: SourceFile) throws {
        lexer = Lexer(source)
        current = Token(kind: .eof, range: .unknown)
    }

    mutating func expectEnd() throws {
        if case .eof = current.kind { return }
        throw Diagnostic("unexpected \(current.kind) after the end of the expression", at: current.range)
    }

    // MARK: Probes

    mutating func parseProgram() throws -> Program {
        var probes: [Probe] = []
        var config: [ConfigAssignment] = []
        var declarations: [MapDeclaration] = []
        var macros: [MacroDefinition] = []
        var enums: [EnumDefinition] = []
        var records: [CRecordDefinition] = []
        var typedefs: [CTypedef] = []
        while true {
            try lexer.skipTrivia()
            let start = lexer.position
            var first = try lexer.nextAttachPoint()
            if case .eof = first.kind { break }
            if case .attachPoint(let text) = first.kind, text == "config" || text.hasPrefix("config=") {
                if !probes.isEmpty || !config.isEmpty {
                    throw Diagnostic("a 'config' block must come first, before any probe", at: first.range)
                }
                lexer.reset(to: start)
                config = try parseConfigBlock()
                continue
            }
            if case .attachPoint("let") = first.kind {
                if !probes.isEmpty {
                    throw Diagnostic("map declarations must come before the probes", at: first.range)
                }
                lexer.reset(to: start)
                declarations.append(try parseMapDeclaration())
                continue
            }
            if case .attachPoint("macro") = first.kind {
                lexer.reset(to: start)
                macros.append(try parseMacro())
                continue
            }
            if case .attachPoint("enum") = first.kind {
                lexer.reset(to: start)
                enums.append(try parseEnumDefinition())
                continue
            }
            if case .attachPoint(let text) = first.kind, text == "struct" || text == "union" {
                lexer.reset(to: start)
                current = try lexer.next()
                try advance()
                _ = try parseRecordDefinition(isUnion: text == "union", start: first.range.start, into: &records)
                lexer.reset(to: skipDefinitionEnd())
                continue
            }
            if case .attachPoint("typedef") = first.kind {
                lexer.reset(to: start)
                current = try lexer.next()
                try advance()
                typedefs.append(try parseTypedef(start: first.range.start, records: &records))
                lexer.reset(to: skipDefinitionEnd())
                continue
            }
            var points: [AttachPointSyntax] = []
            while true {
                guard case .attachPoint(let text) = first.kind else {
                    throw Diagnostic("expected an attach point", at: first.range)
                }
                points.append(AttachPointSyntax(text: text, range: first.range))
                try lexer.skipTrivia()
                let saved = lexer.position
                let separator = try lexer.next()
                if separator.kind == .punct(",") {
                    first = try lexer.nextAttachPoint()
                    continue
                }
                lexer.reset(to: saved)
                break
            }
            try advance()
            var predicate: Expr? = nil
            if current.kind == .punct("/") {
                predicateDepth += 1
                try advance()
                predicate = try parseExpression()
                predicateDepth -= 1
                try expect("/", "to close the predicate")
            }
            guard current.kind == .punct("{") else {
                throw Diagnostic("expected '{' to start the probe body, found \(current.kind)", at: current.range)
            }
            let body = try parseBlock()
            probes.append(
                Probe(attachPoints: points, predicate: predicate, body: body, range: SourceRange(start, previousEnd)))
            // parseBlock consumed '}' and read one token ahead; rewind so the next attach
            // point is read in attach-point mode.
            lexer.reset(to: current.range.start)
        }
        if probes.isEmpty {
            throw Diagnostic(
                "no probes: a program needs at least one probe such as 'BEGIN { ... }'", at: SourceRange(0, 0))
        }
        var program = Program(probes: probes)
        program.config = config
        program.mapDeclarations = declarations
        program.macros = macros
        program.enums = enums
        program.records = records
        program.typedefs = typedefs
        return program
    }

    // MARK: Statements

    /// Parses `{ stmt; stmt }` with `current` on `{`; leaves `current` after `}`.
    mutating func parseBlock() throws -> [Stmt] {
        try parseBlockItems().statements
    }

    /// `{ stmts; expr }` as an expression: the block's value is its last expression, written
    /// without a `;`. `current` is on `{`.
    mutating func parseBlockExpression() throws -> Expr {
        let open = current.range
        let items = try parseBlockItems()
        // A block ending in `if c { a } else { b }` has that if's value, as in bpftrace.
        if let last = items.statements.last, case .ifElse = last.kind, let value = branchValue([last]) {
            return make(.block(Array(items.statements.dropLast()), value), SourceRange(open.start, previousEnd))
        }
        guard items.endsInValue, case .expr(let value) = items.statements.last?.kind else {
            throw Diagnostic(
                "a block used as a value must end with an expression without ';', as in { $x = 1; $x + 1 }",
                at: SourceRange(open.start, previousEnd))
        }
        return make(.block(Array(items.statements.dropLast()), value), SourceRange(open.start, previousEnd))
    }

    /// The value of statements that end in an expression, or in an `if` whose branches do.
    mutating func branchValue(_ statements: [Stmt]) -> Expr? {
        guard let last = statements.last else { return nil }
        let value: Expr
        switch last.kind {
        case .expr(let e): value = e
        case .ifElse(let condition, let then, let otherwise?):
            guard let a = branchValue(then), let b = branchValue(otherwise) else { return nil }
            value = make(.ternary(condition: condition, then: a, else: b), last.range)
        default: return nil
        }
        let leading = Array(statements.dropLast())
        return leading.isEmpty ? value : make(.block(leading, value), last.range)
    }

    /// The statements of a block and whether the last is an expression not followed by `;`.
    mutating func parseBlockItems() throws -> (statements: [Stmt], endsInValue: Bool) {
        try enter(current.range)
        defer { depth -= 1 }
        try expect("{", "to start a block")
        var statements: [Stmt] = []
        var endsInValue = false
        while current.kind != .punct("}") {
            endsInValue = false
            if case .eof = current.kind {
                throw Diagnostic("unterminated block: expected '}'", at: current.range)
            }
            if current.kind == .punct(";") {
                try advance()
                continue
            }
            let statement = try parseStatement()
            statements.append(statement)
            if current.kind == .punct(";") {
                try advance()
            } else if current.kind == .punct("}") {
                if case .expr = statement.kind { endsInValue = true }
            } else if !statement.endsWithBlock {
                throw Diagnostic("expected ';' or '}' after the statement, found \(current.kind)", at: current.range)
            }
        }
        try advance()
        return (statements, endsInValue)
    }

    mutating func parseStatement() throws -> Stmt {
        let start = current.range.start
        if case .identifier(let word) = current.kind {
            switch word {
            case "if": return try parseIf()
            case "while":
                // `while (c)` and today's `while c`: a parenthesised condition is an expression too.
                try advance()
                let condition = try parseCondition("while")
                let body = try parseBlock()
                return Stmt(kind: .whileLoop(condition: condition, body: body), range: SourceRange(start, lastEnd))
            case "unroll":
                try advance()
                try expect("(", "after 'unroll'")
                let count = try parseExpression()
                try expect(")", "to close the 'unroll' count")
                let body = try parseBlock()
                return Stmt(kind: .unroll(count: count, body: body), range: SourceRange(start, lastEnd))
            case "for": return try parseFor()
            case "return":
                try advance()
                if current.kind != .punct(";") && current.kind != .punct("}") {
                    // `return EXPR;`: the value is evaluated (for what it does), then the probe ends.
                    let value = try parseExpression()
                    let returned = Stmt(kind: .returnProbe, range: SourceRange(start, lastEnd))
                    return Stmt(
                        kind: .block([Stmt(kind: .expr(value), range: value.range), returned]),
                        range: SourceRange(start, lastEnd))
                }
                return Stmt(kind: .returnProbe, range: SourceRange(start, lastEnd))
            case "break":
                try advance()
                return Stmt(kind: .breakLoop, range: SourceRange(start, lastEnd))
            case "continue":
                try advance()
                return Stmt(kind: .continueLoop, range: SourceRange(start, lastEnd))
            case "let":
                try advance()
                guard case .variable(let name) = current.kind else {
                    throw Diagnostic("expected a variable such as '$x' after 'let'", at: current.range)
                }
                try advance()
                var type: TypeSyntax? = nil
                if current.kind == .punct(":") {
                    try advance()
                    type = try parseTypeName()
                }
                var value: Expr? = nil
                if current.kind == .punct("=") {
                    try advance()
                    value = try parseExpression()
                }
                return Stmt(kind: .varDecl(name: name, type: type, value: value), range: SourceRange(start, lastEnd))
            default: break
            }
        }
        if current.kind == .punct("{") {
            let body = try parseBlock()
            return Stmt(kind: .block(body), range: SourceRange(start, lastEnd))
        }
        let expr = try parseExpression()
        if case .builtin("_") = expr.kind, current.kind == .punct("=") {
            // `_ = expr`: evaluate and discard, as bpftrace's way to silence "unused" warnings.
            try advance()
            let value = try parseExpression()
            return Stmt(kind: .expr(value), range: SourceRange(start, lastEnd))
        }
        if case .punct(let op) = current.kind, Parser.assignmentOperators.contains(op) {
            switch expr.kind {
            case .map, .variable, .field, .index: break
            default:
                throw Diagnostic(
                    "cannot assign to this expression: only maps, $variables and fields are assignable", at: expr.range)
            }
            try advance()
            let value = try parseExpression()
            return Stmt(kind: .assign(target: expr, op: op, value: value), range: SourceRange(start, lastEnd))
        }
        return Stmt(kind: .expr(expr), range: SourceRange(start, lastEnd))
    }

    static let assignmentOperators: Set<String> = [
        "=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<=", ">>=",
    ]

    mutating func parseIf() throws -> Stmt {
        let start = current.range.start
        try advance()
        let condition = try parseCondition("if")
        let then = try parseBlock()
        var elseBody: [Stmt]? = nil
        if current.kind == .identifier("else") {
            try advance()
            if current.kind == .identifier("if") {
                elseBody = [try parseIf()]
            } else {
                elseBody = try parseBlock()
            }
        }
        return Stmt(kind: .ifElse(condition: condition, then: then, else: elseBody), range: SourceRange(start, lastEnd))
    }

    /// The condition of `if`/`while`, with or without parentheses, followed by the body's `{`.
    mutating func parseCondition(_ keyword: String) throws -> Expr {
        if current.kind == .punct("{") {
            throw Diagnostic("expected a condition after '\(keyword)'", at: current.range)
        }
        let condition = try parseExpression()
        guard current.kind == .punct("{") else {
            throw Diagnostic(
                "expected '{' after the '\(keyword)' condition, found \(current.kind)", at: current.range)
        }
        return condition
    }

    /// `(a = 1, b = "x")` with `current` on the first name (the `(` already read).
    mutating func parseRecord(startingWith first: String, at start: SourceRange) throws -> Expr {
        var names: [String] = []
        var values: [Expr] = []
        while true {
            guard case .identifier(let name) = current.kind else {
                throw Diagnostic("expected a field name such as 'a = 1' in the record", at: current.range)
            }
            if names.contains(name) { throw Diagnostic("the record names '\(name)' twice", at: current.range) }
            try advance()
            try expect("=", "after the field name '\(name)'")
            names.append(name)
            values.append(try parseExpression())
            guard current.kind == .punct(",") else { break }
            try advance()
        }
        parenDepth -= 1
        let end = current.range
        try expect(")", "to close the record")
        return make(.record(names: names, values: values), start.merged(with: end))
    }

    /// `if c { a } else { b }` used as a value (`else if` chains too): `c ? a : b`, each branch
    /// a block expression.
    mutating func parseIfExpression(from start: SourceRange) throws -> Expr {
        let condition = try parseCondition("if")
        let then = try parseBlockExpression()
        guard current.kind == .identifier("else") else {
            throw Diagnostic("an 'if' used as a value needs an 'else' branch", at: current.range)
        }
        let elseStart = current.range
        try advance()
        let otherwise =
            current.kind == .identifier("if")
            ? try { () throws -> Expr in
                try advance()
                return try parseIfExpression(from: elseStart)
            }()
            : try parseBlockExpression()
        return make(.ternary(condition: condition, then: then, else: otherwise), start.merged(with: otherwise.range))
    }

    mutating func parseFor() throws -> Stmt {
        let start = current.range.start
        try advance()
        // Current bpftrace also takes `for $kv : @m { ... }` without the parentheses.
        let parenthesized = current.kind == .punct("(")
        if parenthesized { try advance() }
        guard case .variable(let name) = current.kind else {
            throw Diagnostic("expected a variable such as '$kv' in 'for'", at: current.range)
        }
        try advance()
        try expect(":", "after the loop variable")
        let first = try parseExpression()
        if current.kind == .punct("..") {
            try advance()
            let last = try parseExpression()
            if parenthesized { try expect(")", "to close 'for'") }
            let body = try parseBlock()
            return Stmt(
                kind: .forRange(variable: name, from: first, to: last, body: body), range: SourceRange(start, lastEnd))
        }
        if parenthesized { try expect(")", "to close 'for'") }
        let body = try parseBlock()
        return Stmt(kind: .forMap(variable: name, map: first, body: body), range: SourceRange(start, lastEnd))
    }

    // MARK: Helpers

    var lastEnd: Int { previousEnd }

    mutating func advance() throws {
        previousEnd = current.range.end
        current = try lexer.next()
    }

    mutating func enter(_ range: SourceRange) throws {
        depth += 1
        if depth > Parser.maximumDepth {
            throw Diagnostic("nested too deeply (more than \(Parser.maximumDepth) levels)", at: range)
        }
    }

    mutating func make(_ kind: ExprKind, _ range: SourceRange) -> Expr {
        nextID += 1
        return Expr(id: nextID, kind: kind, range: range)
    }

    mutating func expect(_ punct: String, _ context: String) throws {
        guard current.kind == .punct(punct) else {
            throw Diagnostic("expected '\(punct)' \(context), found \(current.kind)", at: current.range)
        }
        try advance()
    }
}

extension Stmt {
    /// Statements ending in a block need no `;` before the next statement.
    var endsWithBlock: Bool {
        switch kind {
        case .ifElse, .whileLoop, .unroll, .forMap, .forRange, .block: return true
        default: return false
        }
    }
}
