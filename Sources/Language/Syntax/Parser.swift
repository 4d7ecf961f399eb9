/// Parses bpftrace's language into a `Program`.
///
/// Consumes a `SourceFile`; produces a `Program` or throws the first `Diagnostic` (with the
/// range of the offending token). Accepts old and new spellings: `BEGIN`/`begin`,
/// `args->f`/`args.f`, comma-separated and wildcard attach points, C precedence.
public struct Parser {
    private var lexer: Lexer
    private var current: Token
    private var nextID = 0
    /// Inside a predicate a bare `/` closes the predicate, as in bpftrace: divide in parentheses.
    private var predicateDepth = 0
    private var parenDepth = 0
    /// End of the token before `current`, where a construct that just ended stops.
    private var previousEnd = 0
    /// Nesting of expressions and blocks; the recursive descent must stay within the stack.
    private var depth = 0
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

    private mutating func expectEnd() throws {
        if case .eof = current.kind { return }
        throw Diagnostic("unexpected \(current.kind) after the end of the expression", at: current.range)
    }

    // MARK: Probes

    private mutating func parseProgram() throws -> Program {
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

    /// After a C definition's last token (`current`): past an optional `;`, where the next
    /// attach point starts.
    private mutating func skipDefinitionEnd() -> Int {
        current.kind == .punct(";") ? current.range.end : current.range.start
    }

    /// `NAME { fields } [__attribute__((...))]` after `struct`/`union` (`current` on NAME or
    /// `{`); appends it, and records defined inside it first, to `records`. Leaves `current`
    /// after the definition. Returns the record's name (`struct Foo`).
    private mutating func parseRecordDefinition(
        isUnion: Bool, start: Int, into records: inout [CRecordDefinition]
    ) throws -> String {
        let keyword = isUnion ? "union" : "struct"
        var name = "\(keyword) __anonymous_\(records.count)"
        if case .identifier(let word) = current.kind {
            name = "\(keyword) \(word)"
            try advance()
        }
        try expect("{", "to start the members of \(name)")
        var fields: [CFieldDeclaration] = []
        while current.kind != .punct("}") {
            if current.kind == .punct(";") {
                try advance()
                continue
            }
            fields += try parseFieldDeclaration(records: &records)
            if current.kind != .punct("}") { try expect(";", "after a member of \(name)") }
        }
        try advance()
        var packed = false
        while case .identifier("__attribute__") = current.kind {
            try advance()
            var depth = 0
            repeat {
                if current.kind == .punct("(") { depth += 1 }
                if current.kind == .punct(")") { depth -= 1 }
                if case .identifier("packed") = current.kind { packed = true }
                if case .eof = current.kind { throw Diagnostic("unterminated __attribute__", at: current.range) }
                try advance()
            } while depth > 0
        }
        records.append(
            CRecordDefinition(
                isUnion: isUnion, name: name, fields: fields, packed: packed, range: SourceRange(start, previousEnd)))
        return name
    }

    /// `TYPE declarator[, declarator...]` of one member line (no `;`).
    private mutating func parseFieldDeclaration(records: inout [CRecordDefinition]) throws -> [CFieldDeclaration] {
        let typeStart = current.range.start
        let typeName = try parseCTypeName(records: &records)
        var fields: [CFieldDeclaration] = []
        while true {
            let start = current.range.start
            var stars = 0
            while current.kind == .punct("*") {
                stars += 1
                try advance()
            }
            guard case .identifier(let name) = current.kind else {
                throw Diagnostic("expected a member name, found \(current.kind)", at: current.range)
            }
            try advance()
            var lengths: [Int] = []
            while current.kind == .punct("[") {
                try advance()
                guard case .integer(let length) = current.kind, length <= 1 << 20 else {
                    throw Diagnostic("an array member needs a literal length", at: current.range)
                }
                lengths.append(Int(length))
                try advance()
                try expect("]", "to close the array length")
            }
            if current.kind == .punct(":") {
                throw Diagnostic("bitfields are not supported in C definitions", at: current.range)
            }
            fields.append(
                CFieldDeclaration(
                    typeName: typeName, pointerDepth: stars, arrayLengths: lengths, name: name,
                    range: SourceRange(fields.isEmpty ? typeStart : start, previousEnd)))
            guard current.kind == .punct(",") else { return fields }
            try advance()
        }
    }

    /// A C type name without its declarator: `unsigned long long`, `struct Foo` (defining it
    /// when a body follows), `u32`. Qualifiers are dropped.
    private mutating func parseCTypeName(records: inout [CRecordDefinition]) throws -> String {
        var words: [String] = []
        while case .identifier(let word) = current.kind {
            if word == "const" || word == "volatile" {
                try advance()
                continue
            }
            if word == "struct" || word == "union" || word == "enum" {
                let start = current.range.start
                try advance()
                if word != "enum", current.kind == .punct("{") || isIdentifierThenBrace() {
                    return try parseRecordDefinition(isUnion: word == "union", start: start, into: &records)
                }
                guard case .identifier(let tag) = current.kind else {
                    throw Diagnostic("expected a name after '\(word)'", at: current.range)
                }
                try advance()
                return word == "enum" ? "int" : "\(word) \(tag)"
            }
            words.append(word)
            try advance()
            // `unsigned long x`: the last word before the declarator is the member's name.
            if case .identifier = current.kind, !Self.typeWords.contains(word) || !Self.typeWords.contains(peekWord()) {
                break
            }
        }
        guard !words.isEmpty else { throw Diagnostic("expected a type, found \(current.kind)", at: current.range) }
        return words.joined(separator: " ")
    }

    /// Words that combine into one C integer type (`unsigned long long int`).
    private static let typeWords: Set<String> = ["unsigned", "signed", "char", "short", "int", "long"]

    private func peekWord() -> String {
        if case .identifier(let word) = current.kind { return word }
        return ""
    }

    /// `struct Bar {` (a definition inside a member) rather than `struct Bar member`.
    private mutating func isIdentifierThenBrace() -> Bool {
        guard case .identifier = current.kind else { return false }
        let saved = lexer.position
        defer { lexer.reset(to: saved) }
        guard let next = try? lexer.next() else { return false }
        return next.kind == .punct("{")
    }

    /// `typedef TYPE NAME` after `typedef` (`current` on TYPE).
    private mutating func parseTypedef(start: Int, records: inout [CRecordDefinition]) throws -> CTypedef {
        let typeName = try parseCTypeName(records: &records)
        var stars = 0
        while current.kind == .punct("*") {
            stars += 1
            try advance()
        }
        guard case .identifier(let name) = current.kind else {
            throw Diagnostic("expected the typedef's name, found \(current.kind)", at: current.range)
        }
        try advance()
        return CTypedef(name: name, typeName: typeName, pointerDepth: stars, range: SourceRange(start, previousEnd))
    }

    /// `enum [Name] { A, B = 5, C };` with `current` not yet read (the `;` is optional); leaves
    /// the lexer after the definition for the next attach point.
    private mutating func parseEnumDefinition() throws -> EnumDefinition {
        current = try lexer.next()  // 'enum'
        let start = current.range.start
        try advance()
        var name = ""
        if case .identifier(let word) = current.kind {
            name = word
            try advance()
        }
        try expect("{", "to start the enum's members")
        var members: [EnumDefinition.Member] = []
        var next: Int64 = 0
        while current.kind != .punct("}") {
            guard case .identifier(let member) = current.kind else {
                throw Diagnostic("expected an enum member name, found \(current.kind)", at: current.range)
            }
            try advance()
            if current.kind == .punct("=") {
                try advance()
                var negative = false
                if current.kind == .punct("-") {
                    negative = true
                    try advance()
                }
                guard case .integer(let value) = current.kind, value <= UInt64(Int64.max) else {
                    throw Diagnostic("expected an integer value for '\(member)'", at: current.range)
                }
                next = negative ? -Int64(value) : Int64(value)
                try advance()
            }
            members.append(EnumDefinition.Member(name: member, value: next))
            next &+= 1
            if current.kind == .punct(",") { try advance() } else if current.kind != .punct("}") {
                throw Diagnostic("expected ',' or '}' in the enum, found \(current.kind)", at: current.range)
            }
        }
        let end = current.range.end
        try advance()
        lexer.reset(to: current.kind == .punct(";") ? current.range.end : current.range.start)
        return EnumDefinition(name: name, members: members, range: SourceRange(start, end))
    }

    /// `macro NAME[(PARAM, ...)] { stmts [value] }` with `current` not yet read; leaves the
    /// lexer after `}` for the next attach point.
    private mutating func parseMacro() throws -> MacroDefinition {
        current = try lexer.next()  // 'macro'
        let start = current.range.start
        try advance()
        guard case .identifier(let name) = current.kind else {
            throw Diagnostic("expected the macro's name after 'macro', found \(current.kind)", at: current.range)
        }
        try advance()
        var parameters: [MacroDefinition.Parameter] = []
        if current.kind == .punct("(") {
            try advance()
            while current.kind != .punct(")") {
                let parameter: MacroDefinition.Parameter
                switch current.kind {
                case .variable(let v): parameter = .variable(v)
                case .map(let m) where !m.isEmpty: parameter = .map(m)
                case .identifier(let i): parameter = .expression(i)
                default:
                    throw Diagnostic(
                        "a macro parameter is a $variable, an @map or a name for an expression, found \(current.kind)",
                        at: current.range)
                }
                if parameters.contains(parameter) {
                    throw Diagnostic("the macro '\(name)' has two parameters named alike", at: current.range)
                }
                parameters.append(parameter)
                try advance()
                if current.kind != .punct(")") { try expect(",", "between macro parameters") }
            }
            try advance()
        }
        guard current.kind == .punct("{") else {
            throw Diagnostic("expected '{' to start the body of the macro '\(name)', found \(current.kind)", at: current.range)
        }
        let items = try parseBlockItems()
        var body = items.statements
        var result: Expr? = nil
        if items.endsInValue, case .expr(let value) = body.last?.kind {
            result = value
            body.removeLast()
        }
        let definition = MacroDefinition(
            name: name, parameters: parameters, body: body, result: result, range: SourceRange(start, previousEnd))
        lexer.reset(to: current.range.start)
        return definition
    }

    /// `let @name = KIND(MAX_ENTRIES);` with `current` not yet read; leaves the lexer after
    /// the `;` for the next attach point.
    private mutating func parseMapDeclaration() throws -> MapDeclaration {
        current = try lexer.next()  // 'let'
        let start = current.range.start
        try advance()
        guard case .map(let name) = current.kind, !name.isEmpty else {
            throw Diagnostic("expected a map such as '@a' after 'let'", at: current.range)
        }
        try advance()
        try expect("=", "after the map in its declaration")
        let kinds = MapDeclaration.Kind.allCases.map(\.rawValue)
        guard case .identifier(let word) = current.kind, let kind = MapDeclaration.Kind(rawValue: word) else {
            throw Diagnostic(
                "expected a map type (\(kinds.joined(separator: ", "))), found \(current.kind)", at: current.range)
        }
        try advance()
        try expect("(", "after '\(word)'")
        guard case .integer(let entries) = current.kind, entries > 0, entries <= UInt64(Int32.max) else {
            throw Diagnostic(
                "\(word)() takes one argument: the number of entries, a positive integer", at: current.range)
        }
        try advance()
        try expect(")", "to close \(word)()")
        let end = previousEnd
        guard current.kind == .punct(";") else {
            throw Diagnostic("expected ';' after the map declaration, found \(current.kind)", at: current.range)
        }
        lexer.reset(to: current.range.end)
        return MapDeclaration(name: name, kind: kind, maxEntries: Int(entries), range: SourceRange(start, end))
    }

    /// `config = { name = value; ... }`, with `current` not yet read; leaves the lexer
    /// after `}` for the next attach point.
    private mutating func parseConfigBlock() throws -> [ConfigAssignment] {
        current = try lexer.next()  // 'config'
        try advance()
        try expect("=", "after 'config'")
        try expect("{", "to start the config block")
        var assignments: [ConfigAssignment] = []
        while current.kind != .punct("}") {
            if current.kind == .punct(";") {
                try advance()
                continue
            }
            guard case .identifier(let name) = current.kind else {
                throw Diagnostic(
                    "expected a config variable such as 'max_map_keys', found \(current.kind)", at: current.range)
            }
            let nameRange = current.range
            try advance()
            try expect("=", "after the config variable '\(name)'")
            let valueRange = current.range
            let value: String
            switch current.kind {
            case .integer(let n): value = String(n)
            case .string(let s): value = s
            case .identifier(let word): value = word
            default: throw Diagnostic("expected a value for '\(name)', found \(current.kind)", at: current.range)
            }
            try advance()
            assignments.append(
                ConfigAssignment(
                    name: name, value: value, range: nameRange.merged(with: valueRange), valueRange: valueRange))
            if current.kind != .punct("}") { try expect(";", "between config variables") }
        }
        lexer.reset(to: current.range.end)
        return assignments
    }

    // MARK: Statements

    /// Parses `{ stmt; stmt }` with `current` on `{`; leaves `current` after `}`.
    private mutating func parseBlock() throws -> [Stmt] {
        try parseBlockItems().statements
    }

    /// `{ stmts; expr }` as an expression: the block's value is its last expression, written
    /// without a `;`. `current` is on `{`.
    private mutating func parseBlockExpression() throws -> Expr {
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
    private mutating func branchValue(_ statements: [Stmt]) -> Expr? {
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
    private mutating func parseBlockItems() throws -> (statements: [Stmt], endsInValue: Bool) {
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

    private mutating func parseStatement() throws -> Stmt {
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

    private static let assignmentOperators: Set<String> = [
        "=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<=", ">>=",
    ]

    private mutating func parseIf() throws -> Stmt {
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
    private mutating func parseCondition(_ keyword: String) throws -> Expr {
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
    private mutating func parseRecord(startingWith first: String, at start: SourceRange) throws -> Expr {
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
    private mutating func parseIfExpression(from start: SourceRange) throws -> Expr {
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

    private mutating func parseFor() throws -> Stmt {
        let start = current.range.start
        try advance()
        try expect("(", "after 'for'")
        guard case .variable(let name) = current.kind else {
            throw Diagnostic("expected a variable such as '$kv' in 'for'", at: current.range)
        }
        try advance()
        try expect(":", "after the loop variable")
        let first = try parseExpression()
        if current.kind == .punct("..") {
            try advance()
            let last = try parseExpression()
            try expect(")", "to close 'for'")
            let body = try parseBlock()
            return Stmt(
                kind: .forRange(variable: name, from: first, to: last, body: body), range: SourceRange(start, lastEnd))
        }
        try expect(")", "to close 'for'")
        let body = try parseBlock()
        return Stmt(kind: .forMap(variable: name, map: first, body: body), range: SourceRange(start, lastEnd))
    }

    // MARK: Expressions (C precedence, lowest first)

    public mutating func parseExpression() throws -> Expr {
        try enter(current.range)
        defer { depth -= 1 }
        return try parseTernary()
    }

    private mutating func parseTernary() throws -> Expr {
        let condition = try parseBinary(level: 0)
        guard current.kind == .punct("?") else { return condition }
        try advance()
        if current.kind == .punct(":") {
            // `a ?: b`: a when it is non-zero, else b; a is evaluated once, into a hidden variable.
            try advance()
            let otherwise = try parseTernary()
            let range = condition.range.merged(with: otherwise.range)
            let name = "__elvis\(nextID + 1)"
            let saved = make(.variable(name), condition.range)
            let store = Stmt(kind: .assign(target: saved, op: "=", value: condition), range: condition.range)
            let choice = make(
                .ternary(
                    condition: make(.variable(name), condition.range), then: make(.variable(name), condition.range),
                    else: otherwise), range)
            return make(.block([store], choice), range)
        }
        let then = try parseTernary()
        try expect(":", "in the conditional expression")
        let otherwise = try parseTernary()
        return make(
            .ternary(condition: condition, then: then, else: otherwise), condition.range.merged(with: otherwise.range))
    }

    private static let binaryLevels: [[String]] = [
        ["||"], ["&&"], ["|"], ["^"], ["&"], ["==", "!="], ["<", "<=", ">", ">="], ["<<", ">>"], ["+", "-"],
        ["*", "/", "%"],
    ]

    private mutating func parseBinary(level: Int) throws -> Expr {
        if level == Parser.binaryLevels.count { return try parseUnary() }
        var lhs = try parseBinary(level: level + 1)
        while case .punct(let op) = current.kind, Parser.binaryLevels[level].contains(op) {
            if op == "/" && predicateDepth > 0 && parenDepth == 0 { break }
            try advance()
            let rhs = try parseBinary(level: level + 1)
            lhs = make(.binary(op: op, lhs: lhs, rhs: rhs), lhs.range.merged(with: rhs.range))
        }
        return lhs
    }

    private mutating func parseUnary() throws -> Expr {
        let start = current.range
        if case .punct(let op) = current.kind {
            switch op {
            case "!", "~", "-", "*", "&", "+":
                try advance()
                try enter(start)
                defer { depth -= 1 }
                let operand = try parseUnary()
                return make(.unary(op: op, operand: operand), start.merged(with: operand.range))
            case "++", "--":
                try advance()
                try enter(start)
                defer { depth -= 1 }
                let operand = try parseUnary()
                return make(.preIncrement(op: op, target: operand), start.merged(with: operand.range))
            case "(":
                if let cast = try parseCastIfPresent() { return cast }
            default: break
            }
        }
        return try parsePostfix()
    }

    /// Recognises `(type) expr`; returns nil (with nothing consumed) when the parenthesis is
    /// not a cast.
    private mutating func parseCastIfPresent() throws -> Expr? {
        let open = current
        let savedLexer = lexer
        let next = try lexer.next()
        guard case .identifier(let word) = next.kind, Parser.isTypeWord(word) else {
            lexer = savedLexer
            return nil
        }
        previousEnd = open.range.end
        current = next
        let type = try parseTypeName()
        guard current.kind == .punct(")") else {
            // A word like `int` used as a builtin? Not in this language: a type must close the cast.
            throw Diagnostic("expected ')' to close the cast to '\(type.name)'", at: current.range)
        }
        try advance()
        let operand = try parseUnary()
        return make(.cast(type: type, operand: operand), open.range.merged(with: operand.range))
    }

    static func isTypeWord(_ word: String) -> Bool {
        [
            "struct", "union", "enum", "unsigned", "signed", "char", "short", "int", "long", "bool", "void",
            "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
            "u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64", "string", "size_t", "pid_t", "inet",
        ].contains(word)
    }

    private mutating func parseTypeName() throws -> TypeSyntax {
        let start = current.range
        var words: [String] = []
        while case .identifier(let word) = current.kind {
            words.append(word)
            try advance()
            if word != "struct" && word != "union" && word != "enum" && word != "unsigned" && word != "signed"
                && word != "long" && word != "short"
            {
                break
            }
        }
        if words.isEmpty { throw Diagnostic("expected a type name", at: current.range) }
        var depth = 0
        while current.kind == .punct("*") {
            depth += 1
            try advance()
        }
        var arrayLength: Int? = nil
        if current.kind == .punct("[") {
            try advance()
            guard case .integer(let n) = current.kind, n <= 4096 else {
                throw Diagnostic("expected an array length up to 4096", at: current.range)
            }
            arrayLength = Int(n)
            try advance()
            try expect("]", "to close the array length")
        }
        return TypeSyntax(
            name: words.joined(separator: " "), pointerDepth: depth, arrayLength: arrayLength,
            range: start.merged(with: SourceRange(lastEnd, lastEnd)))
    }

    private mutating func parsePostfix() throws -> Expr {
        var expr = try parsePrimary()
        while true {
            switch current.kind {
            case .punct("."), .punct("->"):
                let arrow = current.kind == .punct("->")
                try advance()
                let name: String
                switch current.kind {
                case .identifier(let n): name = n
                case .integer(let n): name = String(n)
                default: throw Diagnostic("expected a field name after '\(arrow ? "->" : ".")'", at: current.range)
                }
                let end = current.range
                try advance()
                expr = make(.field(base: expr, name: name, arrow: arrow), expr.range.merged(with: end))
            case .punct("["):
                try advance()
                let index = try parseExpression()
                let end = current.range
                try expect("]", "to close the index")
                expr = make(.index(base: expr, index: index), expr.range.merged(with: end))
            case .punct("++"), .punct("--"):
                guard case .punct(let op) = current.kind else { return expr }
                let end = current.range
                try advance()
                expr = make(.postIncrement(op: op, target: expr), expr.range.merged(with: end))
            default:
                return expr
            }
        }
    }

    private mutating func parsePrimary() throws -> Expr {
        let token = current
        switch token.kind {
        case .integer(let v):
            try advance()
            return make(.integer(v), token.range)
        case .string(var s):
            try advance()
            // Adjacent literals concatenate, as in C.
            while case .string(let more) = current.kind {
                s += more
                try advance()
            }
            return make(.string(s), SourceRange(token.range.start, previousEnd))
        case .variable(let name):
            try advance()
            return make(.variable(name), token.range)
        case .positional(let n):
            try advance()
            return make(.positional(n), token.range)
        case .positionalCount:
            try advance()
            return make(.positionalCount, token.range)
        case .map(let name):
            try advance()
            var keys: [Expr] = []
            var range = token.range
            if current.kind == .punct("[") {
                try advance()
                parenDepth += 1
                keys.append(try parseExpression())
                while current.kind == .punct(",") {
                    try advance()
                    keys.append(try parseExpression())
                }
                parenDepth -= 1
                range = range.merged(with: current.range)
                try expect("]", "to close the map key")
            }
            return make(.map(name: name, keys: keys), range)
        case .identifier(let name):
            try advance()
            if name == "if" { return try parseIfExpression(from: token.range) }
            if name == "sizeof" && current.kind == .punct("(") {
                try advance()
                if case .identifier(let word) = current.kind, Parser.isTypeWord(word) {
                    let type = try parseTypeName()
                    let end = current.range
                    try expect(")", "to close sizeof")
                    return make(.sizeof(type), token.range.merged(with: end))
                }
                parenDepth += 1
                let operand = try parseExpression()
                parenDepth -= 1
                let end = current.range
                try expect(")", "to close sizeof")
                return make(.call(name: "sizeof", args: [operand]), token.range.merged(with: end))
            }
            if current.kind == .punct("(") {
                try advance()
                parenDepth += 1
                var args: [Expr] = []
                if current.kind != .punct(")") {
                    args.append(try parseExpression())
                    while current.kind == .punct(",") {
                        try advance()
                        args.append(try parseExpression())
                    }
                }
                parenDepth -= 1
                let end = current.range
                try expect(")", "to close the call to \(name)()")
                return make(.call(name: name, args: args), token.range.merged(with: end))
            }
            if ["if", "else", "while", "for", "return", "unroll", "let", "break", "continue"].contains(name) {
                throw Diagnostic("'\(name)' cannot be used in an expression", at: token.range)
            }
            return make(.builtin(name), token.range)
        case .punct("{"):
            return try parseBlockExpression()
        case .punct("("):
            try advance()
            parenDepth += 1
            if case .identifier(let firstName) = current.kind, (try? lexer.peek())?.kind == .punct("=") {
                return try parseRecord(startingWith: firstName, at: token.range)
            }
            let first = try parseExpression()
            if current.kind == .punct(",") {
                var elements = [first]
                while current.kind == .punct(",") {
                    try advance()
                    elements.append(try parseExpression())
                }
                parenDepth -= 1
                let end = current.range
                try expect(")", "to close the tuple")
                return make(.tuple(elements), token.range.merged(with: end))
            }
            parenDepth -= 1
            try expect(")", "to close the parenthesis")
            var grouped = first
            grouped.range = SourceRange(token.range.start, previousEnd)
            return grouped
        case .eof:
            throw Diagnostic("unexpected end of input: expected an expression", at: token.range)
        default:
            throw Diagnostic("expected an expression, found \(token.kind)", at: token.range)
        }
    }

    // MARK: Helpers

    private var lastEnd: Int { previousEnd }

    private mutating func advance() throws {
        previousEnd = current.range.end
        current = try lexer.next()
    }

    private mutating func enter(_ range: SourceRange) throws {
        depth += 1
        if depth > Parser.maximumDepth {
            throw Diagnostic("nested too deeply (more than \(Parser.maximumDepth) levels)", at: range)
        }
    }

    private mutating func make(_ kind: ExprKind, _ range: SourceRange) -> Expr {
        nextID += 1
        return Expr(id: nextID, kind: kind, range: range)
    }

    private mutating func expect(_ punct: String, _ context: String) throws {
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
