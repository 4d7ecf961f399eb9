/// Expressions, by C precedence (lowest first), down to primaries, casts and type names.
extension Parser {
    public mutating func parseExpression() throws -> Expr {
        try enter(current.range)
        defer { depth -= 1 }
        return try parseTernary()
    }

    mutating func parseTernary() throws -> Expr {
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

    static let binaryLevels: [[String]] = [
        ["||"], ["&&"], ["|"], ["^"], ["&"], ["==", "!="], ["<", "<=", ">", ">="], ["<<", ">>"], ["+", "-"],
        ["*", "/", "%"],
    ]

    mutating func parseBinary(level: Int) throws -> Expr {
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

    mutating func parseUnary() throws -> Expr {
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
    mutating func parseCastIfPresent() throws -> Expr? {
        let open = current
        let savedLexer = lexer
        let next = try lexer.next()
        guard case .identifier(let word) = next.kind, try Parser.isTypeWord(word) || Parser.pointerTypeFollows(lexer)
        else {
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
            "u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64", "string", "size_t", "pid_t", "inet", "typeof",
        ].contains(word)
    }

    /// Whether the tokens ahead are a type: a type word, or any name followed by `*`s and
    /// `)` (`sizeof(t *)`, which no expression can be: a macro's type parameter).
    mutating func startsTypeName() throws -> Bool {
        guard case .identifier(let word) = current.kind else { return false }
        return try Parser.isTypeWord(word) || Parser.pointerTypeFollows(lexer)
    }

    /// After a name: one or more `*` and then `)`.
    static func pointerTypeFollows(_ lexer: Lexer) throws -> Bool {
        var ahead = lexer
        var stars = 0
        while true {
            let token = try ahead.next()
            if token.kind == .punct("*") {
                stars += 1
            } else {
                return stars > 0 && token.kind == .punct(")")
            }
        }
    }

    /// `typeof(TYPE)` or `typeof(EXPR)`, with `current` at the `(`.
    mutating func parseTypeOf(from start: SourceRange) throws -> TypeSyntax {
        try expect("(", "after typeof")
        parenDepth += 1
        defer { parenDepth -= 1 }
        var type = try parseTypeOrExpression()
        let end = current.range
        try expect(")", "to close typeof")
        type.range = start.merged(with: end)
        return type
    }

    /// A type name, or an expression standing for its type (typeof's and offsetof's operand).
    mutating func parseTypeOrExpression() throws -> TypeSyntax {
        if try startsTypeName() { return try parseTypeName() }
        let operand = try parseExpression()
        var type = TypeSyntax(name: "", pointerDepth: 0, arrayLength: nil, range: operand.range)
        type.typeOfExpression = TypeOfExpression(operand)
        return type
    }

    /// `offsetof(struct Foo, a.b)` or `offsetof(EXPR, a.b)`, with `current` at the `(`.
    mutating func parseOffsetof(from start: SourceRange) throws -> Expr {
        try expect("(", "after offsetof")
        parenDepth += 1
        let type = try parseTypeOrExpression()
        try expect(",", "between offsetof's type and field")
        var path: [String] = []
        repeat {
            if !path.isEmpty { try advance() }
            guard case .identifier(let field) = current.kind else {
                throw Diagnostic("expected a field name in offsetof()", at: current.range)
            }
            path.append(field)
            try advance()
        } while current.kind == .punct(".")
        parenDepth -= 1
        let end = current.range
        try expect(")", "to close offsetof")
        return make(.offsetof(type, path), start.merged(with: end))
    }

    mutating func parseTypeName() throws -> TypeSyntax {
        let start = current.range
        if current.kind == .identifier("typeof"), (try? lexer.peek())?.kind == .punct("(") {
            try advance()
            var type = try parseTypeOf(from: start)
            while current.kind == .punct("*") {
                type.pointerDepth += 1
                try advance()
            }
            return type
        }
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
            if current.kind == .punct("]") {
                // `(int8[])x`: as many elements as the operand holds.
                arrayLength = 0
            } else {
                guard case .integer(let n) = current.kind, n <= 4096 else {
                    throw Diagnostic("expected an array length up to 4096", at: current.range)
                }
                if n == 0 { throw Diagnostic("an array length must be at least 1 (or [] for the operand's)", at: current.range) }
                arrayLength = Int(n)
                try advance()
            }
            try expect("]", "to close the array length")
        }
        return TypeSyntax(
            name: words.joined(separator: " "), pointerDepth: depth, arrayLength: arrayLength,
            range: start.merged(with: SourceRange(lastEnd, lastEnd)))
    }

    mutating func parsePostfix() throws -> Expr {
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

    mutating func parsePrimary() throws -> Expr {
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
            if name == "struct" || name == "union", case .identifier? = (try? lexer.peek())?.kind {
                // A type where a value stands, as container_of(ptr, struct Foo, member) takes it.
                let type = try parseTypeName()
                return make(.typeOf(type), type.range)
            }
            try advance()
            if name == "if" { return try parseIfExpression(from: token.range) }
            if name == "typeof" && current.kind == .punct("(") {
                let type = try parseTypeOf(from: token.range)
                return make(.typeOf(type), type.range)
            }
            if name == "offsetof" && current.kind == .punct("(") {
                return try parseOffsetof(from: token.range)
            }
            if name == "sizeof" && current.kind == .punct("(") {
                try advance()
                if try startsTypeName() {
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
}
