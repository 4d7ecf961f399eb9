/// C definitions before the probes: `struct`/`union` (laid out later by `CRecordLayout`),
/// `typedef` and `enum`.
extension Parser {
    /// After a C definition's last token (`current`): past an optional `;`, where the next
    /// attach point starts.
    mutating func skipDefinitionEnd() -> Int {
        current.kind == .punct(";") ? current.range.end : current.range.start
    }

    /// `NAME { fields } [__attribute__((...))]` after `struct`/`union` (`current` on NAME or
    /// `{`); appends it, and records defined inside it first, to `records`. Leaves `current`
    /// after the definition. Returns the record's name (`struct Foo`).
    mutating func parseRecordDefinition(
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
    mutating func parseFieldDeclaration(records: inout [CRecordDefinition]) throws -> [CFieldDeclaration] {
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
            var name = ""
            if case .identifier(let word) = current.kind {
                name = word
                try advance()
            } else if current.kind != .punct(":") {
                throw Diagnostic("expected a member name, found \(current.kind)", at: current.range)
            }
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
            var width: Int?
            if current.kind == .punct(":") {
                try advance()
                guard case .integer(let bits) = current.kind, bits <= 64 else {
                    throw Diagnostic("a bitfield needs a literal width of at most 64 bits", at: current.range)
                }
                width = Int(bits)
                try advance()
            }
            fields.append(
                CFieldDeclaration(
                    typeName: typeName, pointerDepth: stars, arrayLengths: lengths, name: name,
                    range: SourceRange(fields.isEmpty ? typeStart : start, previousEnd), bitWidth: width))
            guard current.kind == .punct(",") else { return fields }
            try advance()
        }
    }

    /// A C type name without its declarator: `unsigned long long`, `struct Foo` (defining it
    /// when a body follows), `u32`. Qualifiers are dropped.
    mutating func parseCTypeName(records: inout [CRecordDefinition]) throws -> String {
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
    static let typeWords: Set<String> = ["unsigned", "signed", "char", "short", "int", "long"]

    func peekWord() -> String {
        if case .identifier(let word) = current.kind { return word }
        return ""
    }

    /// `struct Bar {` (a definition inside a member) rather than `struct Bar member`.
    mutating func isIdentifierThenBrace() -> Bool {
        guard case .identifier = current.kind else { return false }
        let saved = lexer.position
        defer { lexer.reset(to: saved) }
        guard let next = try? lexer.next() else { return false }
        return next.kind == .punct("{")
    }

    /// `typedef TYPE NAME` after `typedef` (`current` on TYPE).
    mutating func parseTypedef(start: Int, records: inout [CRecordDefinition]) throws -> CTypedef {
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
    mutating func parseEnumDefinition() throws -> EnumDefinition {
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
}
