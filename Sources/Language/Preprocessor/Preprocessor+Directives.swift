extension Preprocessor {
    /// Acts on one directive line. Inside a skipped region only the conditional directives
    /// count (to find the matching `#endif`); the rest is not even checked, as in C.
    mutating func directive(
        _ line: [PPToken], hash: PPToken, conditionals: inout [Conditional], source: SourceFile, active: Bool
    ) throws {
        let significant = line.filter { !$0.isTrivia }
        let hashIndex = significant.firstIndex { $0.start == hash.start } ?? 0
        let words = Array(significant[(hashIndex + 1)...])
        guard let name = words.first else { return }  // a lone '#' is C's null directive
        let rest = Array(words.dropFirst())
        let whole = range(hash, significant.last ?? hash)
        // The tokens after the directive's name, trivia included (for #define bodies).
        let afterName = Array(line.drop { $0.start <= name.start && $0.file == name.file }).filter {
            $0.kind != .newline
        }
        switch name.text {
        case "ifdef", "ifndef":
            let parentActive = active
            var value = false
            if parentActive {
                let macro = try macroName(rest.first, after: name, directive: name.text)
                value = macros[macro] != nil
                if name.text == "ifndef" { value.toggle() }
            }
            conditionals.append(
                Conditional(
                    directive: "#" + name.text, range: whole, parentActive: parentActive,
                    active: parentActive && value, taken: parentActive && value))
        case "if":
            let value = active ? try condition(afterName, directive: whole) : false
            conditionals.append(
                Conditional(directive: "#if", range: whole, parentActive: active, active: value, taken: value))
        case "elif", "elifdef", "elifndef":
            guard var group = conditionals.popLast() else {
                throw Diagnostic("'#\(name.text)' without '#if'", at: whole)
            }
            if group.sawElse { throw Diagnostic("'#\(name.text)' after '#else'", at: whole) }
            var value = false
            if group.parentActive && !group.taken {
                if name.text == "elif" {
                    value = try condition(afterName, directive: whole)
                } else {
                    value = macros[try macroName(rest.first, after: name, directive: name.text)] != nil
                    if name.text == "elifndef" { value.toggle() }
                }
            }
            group.active = value
            group.taken = group.taken || value
            conditionals.append(group)
        case "else":
            guard var group = conditionals.popLast() else { throw Diagnostic("'#else' without '#if'", at: whole) }
            if group.sawElse { throw Diagnostic("a second '#else' in the same '#if'", at: whole) }
            group.sawElse = true
            group.active = group.parentActive && !group.taken
            group.taken = true
            conditionals.append(group)
        case "endif":
            guard conditionals.popLast() != nil else { throw Diagnostic("'#endif' without '#if'", at: whole) }
        default:
            guard active else { return }
            try otherDirective(name, rest: rest, afterName: afterName, whole: whole, source: source)
        }
    }

    private mutating func otherDirective(
        _ name: PPToken, rest: [PPToken], afterName: [PPToken], whole: SourceRange, source: SourceFile
    ) throws {
        switch name.text {
        case "define": try defineDirective(afterName, name: name)
        case "undef":
            macros[try macroName(rest.first, after: name, directive: "undef")] = nil
        case "include": try includeDirective(rest, whole: whole, source: source)
        case "error":
            throw Diagnostic("#error " + text(of: afterName), at: whole)
        case "warning":
            warnings.append(Diagnostic("#warning " + text(of: afterName), at: whole, severity: .warning))
        case "pragma", "line", "ident":
            return  // pragmas and line markers mean nothing to a BPF program
        default:
            if name.start == 1, name.text == "!" { return }  // a shebang line
            throw Diagnostic("unknown preprocessor directive '#\(name.text)'", at: range(name))
        }
    }

    private func text(of tokens: [PPToken]) -> String {
        tokens.map { $0.kind == .comment ? " " : $0.text }.joined().trimmingSpaces()
    }

    private func macroName(_ token: PPToken?, after directive: PPToken, directive name: String) throws -> String {
        guard let token, token.kind == .identifier else {
            throw Diagnostic("expected a macro name after '#\(name)'", at: token.map(range) ?? range(directive))
        }
        return token.text
    }

    /// `#define NAME body` or `#define NAME(a, b, ...) body`: a function-like macro has its
    /// `(` right after the name.
    private mutating func defineDirective(_ tokens: [PPToken], name directive: PPToken) throws {
        var k = 0
        while k < tokens.count, tokens[k].isTrivia { k += 1 }
        guard k < tokens.count, tokens[k].kind == .identifier else {
            throw Diagnostic(
                "expected a macro name after '#define'", at: k < tokens.count ? range(tokens[k]) : range(directive))
        }
        let nameToken = tokens[k]
        if nameToken.text == "defined" {
            throw Diagnostic("'defined' cannot be used as a macro name", at: range(nameToken))
        }
        k += 1
        var parameters: [String]? = nil
        var variadic = false
        if k < tokens.count, tokens[k].kind == .punct, tokens[k].text == "(", tokens[k].start == nameToken.end {
            var names: [String] = []
            k += 1
            var expectName = true
            while true {
                while k < tokens.count, tokens[k].isTrivia { k += 1 }
                guard k < tokens.count else {
                    throw Diagnostic(
                        "expected ')' to close the parameters of '\(nameToken.text)'", at: range(nameToken))
                }
                let t = tokens[k]
                k += 1
                if t.text == ")" && (!expectName || names.isEmpty) { break }
                if expectName, t.kind == .identifier, !names.contains(t.text) {
                    names.append(t.text)
                    expectName = false
                } else if expectName, t.text == "." || t.text == "..." {
                    // `...` arrives as three '.' tokens.
                    guard k + 1 < tokens.count, tokens[k].text == ".", tokens[k + 1].text == "." else {
                        throw Diagnostic("expected '...'", at: range(t))
                    }
                    k += 2
                    names.append("__VA_ARGS__")
                    variadic = true
                    expectName = false
                } else if !expectName, t.text == ",", !variadic {
                    expectName = true
                } else {
                    throw Diagnostic(
                        "unexpected '\(t.text)' in the parameters of macro '\(nameToken.text)'", at: range(t))
                }
            }
            parameters = names
        }
        let body = Array(tokens[min(k, tokens.count)...]).drop { $0.isTrivia }.filter { $0.kind != .comment }
        if let first = body.first, first.text == "##" {
            throw Diagnostic("'##' cannot be at either end of a macro", at: range(first))
        }
        macros[nameToken.text] = Macro(
            name: nameToken.text, parameters: parameters, isVariadic: variadic, body: Array(body))
    }

    /// `defined X` and `defined(X)` become 1 or 0 before macros are expanded, then the
    /// expression is evaluated.
    private func condition(_ tokens: [PPToken], directive: SourceRange) throws -> Bool {
        var replaced: [PPToken] = []
        let significant = tokens.filter { !$0.isTrivia }
        var k = 0
        while k < significant.count {
            let t = significant[k]
            guard t.kind == .identifier, t.text == "defined" else {
                replaced.append(t)
                k += 1
                continue
            }
            var nameIndex = k + 1
            let parenthesised = nameIndex < significant.count && significant[nameIndex].text == "("
            if parenthesised { nameIndex += 1 }
            guard nameIndex < significant.count, significant[nameIndex].kind == .identifier else {
                throw Diagnostic("expected a macro name after 'defined'", at: range(t))
            }
            var end = nameIndex + 1
            if parenthesised {
                guard end < significant.count, significant[end].text == ")" else {
                    throw Diagnostic("expected ')' after 'defined(\(significant[nameIndex].text)'", at: range(t))
                }
                end += 1
            }
            var value = t
            value.kind = .number
            value.text = macros[significant[nameIndex].text] != nil ? "1" : "0"
            replaced.append(value)
            k = end
        }
        var expander = MacroExpander(macros: macros, rangeOf: rangeMaker)
        let expanded = try expander.expand(replaced)
        return try ConditionExpression.evaluate(expanded, directive: directive, rangeOf: rangeMaker) != 0
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" || c == "\r" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" || c == "\r" { s.removeLast() }
        return String(s)
    }
}
