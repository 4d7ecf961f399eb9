/// A `#define`: object-like (`parameters == nil`) or function-like.
struct Macro: Sendable {
    var name: String
    var parameters: [String]?
    /// `...` as the last parameter: the rest of the arguments are `__VA_ARGS__`.
    var isVariadic = false
    var body: [PPToken]
}

/// Replaces macro invocations in a token list, as C's preprocessor does: arguments are
/// expanded before substitution (except next to `#` and `##`), and the result is rescanned
/// with the macro itself disabled, so a self-referencing macro stops.
struct MacroExpander {
    var macros: [String: Macro]
    /// Diagnostics point at the invocation: the range of the name (and its arguments).
    var rangeOf: (PPToken) -> SourceRange
    private var produced = 0
    /// Bounds the work a hostile or mistaken set of macros can cause (`#define A B B`,
    /// `#define B C C`...), since the output grows exponentially with the chain.
    static let maximumTokens = 1_000_000

    init(macros: [String: Macro], rangeOf: @escaping (PPToken) -> SourceRange) {
        self.macros = macros
        self.rangeOf = rangeOf
    }

    mutating func expand(_ tokens: [PPToken], disabled: Set<String> = []) throws -> [PPToken] {
        var out: [PPToken] = []
        var i = 0
        while i < tokens.count {
            let token = tokens[i]
            guard token.kind == .identifier, let macro = macros[token.text], !disabled.contains(token.text) else {
                out.append(token)
                i += 1
                continue
            }
            var replacement: [PPToken]
            var invocationEnd = token
            if let parameters = macro.parameters {
                var open = i + 1
                while open < tokens.count, tokens[open].isTrivia { open += 1 }
                // A function-like macro's name without arguments is just a name.
                guard open < tokens.count, tokens[open].kind == .punct, tokens[open].text == "(" else {
                    out.append(token)
                    i += 1
                    continue
                }
                let (arguments, close) = try collectArguments(tokens, open: open, macro: token)
                invocationEnd = tokens[close]
                let bound = try bind(arguments, to: parameters, of: macro, at: token)
                replacement = try substitute(macro, bound, disabled: disabled, at: token)
                i = close + 1
            } else {
                replacement = macro.body
                i += 1
            }
            replacement = try expand(replacement, disabled: disabled.union([macro.name]))
            produced += replacement.count
            if produced > MacroExpander.maximumTokens {
                throw Diagnostic(
                    "macro expansion of '\(macro.name)' is too large (more than \(MacroExpander.maximumTokens) tokens)",
                    at: rangeOf(token))
            }
            out += retagged(replacement, from: token, to: invocationEnd)
        }
        return out
    }

    /// Tokens of the definition take the invocation's range; tokens that came from the
    /// arguments keep their own, so an error inside an argument points at it.
    private func retagged(_ tokens: [PPToken], from first: PPToken, to last: PPToken) -> [PPToken] {
        tokens.map { token in
            if token.file == first.file, token.start >= first.start, token.end <= last.end { return token }
            var copy = token
            copy.start = first.start
            copy.end = last.end
            copy.file = first.file
            copy.expanded = true
            return copy
        }
    }

    /// The arguments between `(` at `open` and its `)`, split at top-level commas.
    private func collectArguments(
        _ tokens: [PPToken], open: Int, macro: PPToken
    ) throws -> ([[PPToken]], Int) {
        var arguments: [[PPToken]] = [[]]
        var depth = 0
        var k = open + 1
        while k < tokens.count {
            let t = tokens[k]
            if t.kind == .punct {
                if t.text == "(" || t.text == "[" || t.text == "{" {
                    depth += 1
                } else if t.text == ")" && depth == 0 {
                    return (arguments, k)
                } else if t.text == ")" || t.text == "]" || t.text == "}" {
                    depth -= 1
                } else if t.text == "," && depth == 0 {
                    arguments.append([])
                    k += 1
                    continue
                }
            }
            arguments[arguments.count - 1].append(t)
            k += 1
        }
        throw Diagnostic("unterminated call to macro '\(macro.text)': expected ')'", at: rangeOf(macro))
    }

    private func bind(
        _ arguments: [[PPToken]], to parameters: [String], of macro: Macro, at name: PPToken
    ) throws -> [String: [PPToken]] {
        var arguments = arguments.map(trimmed)
        if parameters.isEmpty && arguments.count == 1 && arguments[0].isEmpty { arguments = [] }
        let fixed = parameters.count - (macro.isVariadic ? 1 : 0)
        let countIsRight =
            macro.isVariadic ? arguments.count >= fixed : arguments.count == parameters.count
        guard countIsRight else {
            let wanted = macro.isVariadic ? "at least \(fixed)" : "\(parameters.count)"
            let given = "\(arguments.count) \(arguments.count == 1 ? "was" : "were") given"
            throw Diagnostic(
                "macro '\(macro.name)' takes \(wanted) argument\(fixed == 1 ? "" : "s"), but \(given)",
                at: rangeOf(name))
        }
        var bound: [String: [PPToken]] = [:]
        for (index, parameter) in parameters.prefix(fixed).enumerated() { bound[parameter] = arguments[index] }
        if macro.isVariadic {
            var rest: [PPToken] = []
            for (index, argument) in arguments.dropFirst(fixed).enumerated() {
                if index > 0, let comma = argument.first ?? rest.last {
                    rest.append(
                        PPToken(kind: .punct, text: ",", start: comma.start, end: comma.start, file: comma.file))
                }
                rest += argument
            }
            bound[parameters[parameters.count - 1]] = rest
        }
        return bound
    }

    /// The body with parameters replaced: `#p` becomes a string, `a ## b` one token.
    private mutating func substitute(
        _ macro: Macro, _ bound: [String: [PPToken]], disabled: Set<String>, at name: PPToken
    ) throws -> [PPToken] {
        let body = macro.body
        var out: [PPToken] = []
        var k = 0
        func nextSignificant(_ from: Int) -> Int? {
            var j = from
            while j < body.count, body[j].isTrivia { j += 1 }
            return j < body.count ? j : nil
        }
        while k < body.count {
            let t = body[k]
            if t.kind == .punct, t.text == "#", let p = nextSignificant(k + 1), body[p].kind == .identifier,
                let argument = bound[body[p].text]
            {
                out.append(stringified(argument, at: t))
                k = p + 1
                continue
            }
            if t.kind == .identifier, let argument = bound[t.text] {
                let pasted =
                    (nextSignificant(k + 1).map { body[$0].text == "##" } ?? false)
                    || (out.last(where: { !$0.isTrivia })?.text == "##")
                out += pasted ? argument : try expand(argument, disabled: disabled)
                k += 1
                continue
            }
            out.append(t)
            k += 1
        }
        return try pasted(out)
    }

    private func stringified(_ argument: [PPToken], at hash: PPToken) -> PPToken {
        var text = ""
        for t in argument {
            let piece = t.isTrivia ? " " : t.text
            if t.kind == .string || t.kind == .character {
                text += piece.replacingAll("\\", with: "\\\\").replacingAll("\"", with: "\\\"")
            } else if !(piece == " " && text.hasSuffix(" ")) {
                text += piece
            }
        }
        return PPToken(kind: .string, text: "\"" + text + "\"", start: hash.start, end: hash.end, file: hash.file)
    }

    /// Joins the tokens on either side of each `##` and re-reads the joined text.
    private func pasted(_ tokens: [PPToken]) throws -> [PPToken] {
        guard tokens.contains(where: { $0.text == "##" && $0.kind == .punct }) else { return tokens }
        var out: [PPToken] = []
        var k = 0
        while k < tokens.count {
            let t = tokens[k]
            if t.kind == .punct, t.text == "##" {
                while let last = out.last, last.isTrivia { out.removeLast() }
                var j = k + 1
                while j < tokens.count, tokens[j].isTrivia { j += 1 }
                guard let left = out.popLast(), j < tokens.count else {
                    throw Diagnostic("'##' cannot be at either end of a macro", at: rangeOf(t))
                }
                let joined = left.text + tokens[j].text
                for var piece in PPTokenizer.tokenize(Array(joined.utf8), file: left.file) {
                    piece.start = left.start
                    piece.end = max(left.end, tokens[j].end)
                    piece.expanded = true
                    out.append(piece)
                }
                k = j + 1
                continue
            }
            out.append(t)
            k += 1
        }
        return out
    }

    private func trimmed(_ tokens: [PPToken]) -> [PPToken] {
        var slice = tokens[...]
        while let first = slice.first, first.isTrivia { slice.removeFirst() }
        while let last = slice.last, last.isTrivia { slice.removeLast() }
        return Array(slice)
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
