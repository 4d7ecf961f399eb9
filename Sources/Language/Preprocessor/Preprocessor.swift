/// The pass before the lexer: C's preprocessor as bpftrace scripts use it (`#define`,
/// `#undef`, `#if`/`#ifdef`/`#ifndef`/`#elif`/`#else`/`#endif`, `#include`) and bpftrace's
/// `import`, which for `.bt` files means the same as including them.
///
/// Produces an `ExpandedSource` (the text the lexer reads, with the origin of every byte) or
/// nil when the program has nothing to preprocess, so most programs skip this pass.
/// Diagnostics carry ranges in the files the user wrote.
public struct Preprocessor {
    let options: PreprocessorOptions
    var macros: [String: Macro] = [:]
    var files: [SourceFile] = []
    var references: [IncludedFile?] = []
    var output = ExpandedSourceBuilder()
    var warnings: [Diagnostic] = []
    /// Resolved paths already imported: each is imported once.
    var imported: Set<String> = []
    var includeDepth = 0
    static let maximumIncludeDepth = 32

    public static func run(
        _ source: SourceFile, options: PreprocessorOptions = PreprocessorOptions()
    ) throws
        -> ExpandedSource?
    {
        guard needsPreprocessing(source) else { return nil }
        var preprocessor = Preprocessor(options: options)
        for (name, text) in options.definitions.sorted(by: { $0.key < $1.key }) {
            preprocessor.define(name, text)
        }
        if options.kernelHasBTF { preprocessor.define("BPFTRACE_HAVE_BTF", "1") }
        try preprocessor.process(source, reference: nil)
        let text = String(decoding: preprocessor.output.bytes, as: UTF8.self)
        return ExpandedSource(
            source: SourceFile(name: source.name, text: text), origins: preprocessor.output.origins,
            files: preprocessor.references, warnings: preprocessor.warnings)
    }

    /// A program with no `#` at the start of a line and no `import` is its own expansion.
    static func needsPreprocessing(_ source: SourceFile) -> Bool {
        let bytes = source.bytes
        var lineStart = true
        for (index, byte) in bytes.enumerated() {
            if byte == UInt8(ascii: "#") && lineStart { return true }
            if byte == UInt8(ascii: "i"), bytes[index...].starts(with: Array("import".utf8)) { return true }
            if byte == UInt8(ascii: "\n") {
                lineStart = true
            } else if !PPTokenizer.isSpace(byte) {
                lineStart = false
            }
        }
        return false
    }

    private mutating func define(_ name: String, _ text: String) {
        let body = PPTokenizer.tokenize(Array(text.utf8), file: 0).map { token -> PPToken in
            var copy = token
            copy.end = 0
            copy.start = 0
            copy.expanded = true
            return copy
        }
        macros[name] = Macro(name: name, parameters: nil, body: body)
    }

    // MARK: Files

    /// Processes one file's tokens line by line: directives act, text lines in active
    /// regions are expanded and written out.
    mutating func process(_ source: SourceFile, reference: IncludedFile?) throws {
        let fileIndex = files.count
        files.append(source)
        references.append(reference)
        let tokens = PPTokenizer.tokenize(source.bytes, file: fileIndex)
        var conditionals: [Conditional] = []
        var pending: [PPToken] = []
        var braceDepth = 0
        var lineStart = 0
        while lineStart < tokens.count {
            var lineEnd = lineStart
            while lineEnd < tokens.count, tokens[lineEnd].kind != .newline { lineEnd += 1 }
            var line = Array(tokens[lineStart..<min(lineEnd + 1, tokens.count)])
            lineStart = lineEnd + 1
            let active = conditionals.last?.active ?? true
            if let hash = line.first(where: { !$0.isTrivia }), hash.kind == .punct, hash.text == "#" {
                try flush(&pending)
                try directive(line, hash: hash, conditionals: &conditionals, source: source, active: active)
                if let newline = line.last, newline.kind == .newline { output.append(newline) }
                continue
            }
            guard active else { continue }
            // `import "a"; import "b"; begin { ... }`: imports may share a line with the program.
            while braceDepth == 0, let first = line.first(where: { !$0.isTrivia }), first.kind == .identifier,
                first.text == "import"
            {
                try flush(&pending)
                line = try importStatement(line, source: source)
            }
            if !line.contains(where: { !$0.isTrivia && $0.kind != .newline }) { continue }
            for token in line where token.kind == .punct {
                if token.text == "{" { braceDepth += 1 }
                if token.text == "}" { braceDepth = max(0, braceDepth - 1) }
            }
            pending += line
        }
        try flush(&pending)
        if let open = conditionals.last {
            throw Diagnostic("unterminated '\(open.directive)': expected '#endif'", at: open.range)
        }
    }

    /// Expands and writes the text lines gathered since the last directive; a macro's
    /// arguments may span those lines.
    private mutating func flush(_ pending: inout [PPToken]) throws {
        guard !pending.isEmpty else { return }
        var expander = MacroExpander(macros: macros, rangeOf: rangeMaker)
        for token in try expander.expand(pending) { output.append(token) }
        pending = []
    }

    var rangeMaker: (PPToken) -> SourceRange {
        let references = self.references
        return { token in SourceRange(token.start, token.end, file: references[token.file]) }
    }

    func range(_ token: PPToken) -> SourceRange { rangeMaker(token) }

    func range(_ first: PPToken, _ last: PPToken) -> SourceRange {
        SourceRange(first.start, max(first.end, last.end), file: references[first.file])
    }
}

/// One `#if`/`#ifdef`/`#ifndef` group being read.
struct Conditional {
    var directive: String
    var range: SourceRange
    /// Whether the enclosing region is kept at all.
    var parentActive: Bool
    /// Whether the current branch is kept.
    var active: Bool
    /// Whether some branch of the group has been taken, so later ones are not.
    var taken: Bool
    var sawElse = false
}
