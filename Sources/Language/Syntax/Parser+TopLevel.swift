/// The other top-level forms beside probes: `macro`, `let @map = KIND(N);` and `config = { ... }`.
extension Parser {
    /// `macro NAME[(PARAM, ...)] { stmts [value] }` with `current` not yet read; leaves the
    /// lexer after `}` for the next attach point.
    mutating func parseMacro() throws -> MacroDefinition {
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
    mutating func parseMapDeclaration() throws -> MapDeclaration {
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
    mutating func parseConfigBlock() throws -> [ConfigAssignment] {
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
}
