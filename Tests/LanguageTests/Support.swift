import LanguageTestSupport
import XCTest

@testable import Language

/// Shared helpers: lexing to kinds, parsing, checking against the fake kernel, and a
/// compact printer of syntax trees so tests can state a tree's shape in one line.

let testFileName = "prog.bt"

func source(_ text: String) -> SourceFile { SourceFile(name: testFileName, text: text) }

/// All token kinds of `text` in normal mode, without the final eof.
func lexKinds(_ text: String) throws -> [Token.Kind] {
    var lexer = Lexer(source(text))
    var kinds: [Token.Kind] = []
    while true {
        let token = try lexer.next()
        if token.kind == .eof { return kinds }
        kinds.append(token.kind)
        if kinds.count > 10_000 {
            XCTFail("lexer does not advance on \(text)")
            return kinds
        }
    }
}

/// The diagnostic the lexer throws somewhere in `text`.
func lexDiagnostic(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> Diagnostic? {
    do {
        let kinds = try lexKinds(text)
        XCTFail("expected a lexer error for \(text), got \(kinds)", file: file, line: line)
        return nil
    } catch let d as Diagnostic {
        return d
    } catch {
        XCTFail("unexpected error type \(error)", file: file, line: line)
        return nil
    }
}

/// The fake kernel has BTF, so `#include <linux/...>` is satisfied as on a real one.
let testPreprocessing = PreprocessorOptions(kernelHasBTF: FakeCatalogue().hasBTF)

func parse(_ text: String) throws -> Program { try Parser.parse(source(text), preprocessing: testPreprocessing) }

/// The rendered parse (or lex) error of `text`.
func parseErrorText(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> String {
    do {
        _ = try parse(text)
        XCTFail("expected a parse error for:\n\(text)", file: file, line: line)
        return ""
    } catch let d as Diagnostic {
        return d.rendered(in: source(text))
    } catch {
        XCTFail("unexpected error type \(error)", file: file, line: line)
        return ""
    }
}

/// The message of the parse error of `text`. With `expected`, also asserts the source text
/// under the error's range (empty for a point, such as the end of the input).
func parseErrorMessage(
    _ text: String, at expected: String? = nil, file: StaticString = #filePath, line: UInt = #line
) -> String? {
    do {
        _ = try parse(text)
        XCTFail("expected a parse error for:\n\(text)", file: file, line: line)
        return nil
    } catch let d as Diagnostic {
        dumpRanges([d], text, file: file, line: line)
        if let expected {
            XCTAssertEqual(
                culprit(of: d.range, in: text), expected, "the text under the error's range", file: file, line: line)
        }
        return d.message
    } catch {
        XCTFail("unexpected error type \(error)", file: file, line: line)
        return nil
    }
}

func check(
    _ text: String, options: SemanticAnalyzer.Options = .init(),
    catalogue: ProbeCatalogue = FakeCatalogue()
) throws -> CheckedProgram {
    let file = source(text)
    let program = try Parser.parse(file, preprocessing: testPreprocessing)
    return try SemanticAnalyzer.check(program, source: file, catalogue: catalogue, options: options)
}

/// Type-checks `text`, which must parse, and returns its semantic diagnostics (empty when
/// the program is accepted).
func semanticDiagnostics(
    _ text: String, options: SemanticAnalyzer.Options = .init(),
    file: StaticString = #filePath, line: UInt = #line
) -> [Diagnostic] {
    let sourceFile = source(text)
    let program: Program
    do { program = try Parser.parse(sourceFile, preprocessing: testPreprocessing) } catch {
        XCTFail("does not parse: \(error) in\n\(text)", file: file, line: line)
        return []
    }
    do {
        _ = try SemanticAnalyzer.check(program, source: sourceFile, catalogue: FakeCatalogue(), options: options)
        return []
    } catch let list as DiagnosticList {
        return list.diagnostics
    } catch {
        XCTFail("unexpected error type \(error)", file: file, line: line)
        return []
    }
}

/// The messages of the semantic errors of `text`. With `culprits`, also asserts the source
/// text under each error's range, in order (see `culprit(of:in:)`): a diagnostic must point
/// at the right construct.
func semanticErrors(
    _ text: String, options: SemanticAnalyzer.Options = .init(), at culprits: [String]? = nil,
    file: StaticString = #filePath, line: UInt = #line
) -> [String] {
    let list = semanticDiagnostics(text, options: options, file: file, line: line)
    if list.isEmpty { XCTFail("expected errors, but the program was accepted:\n\(text)", file: file, line: line) }
    dumpRanges(list, text, file: file, line: line)
    if let culprits {
        XCTAssertEqual(
            list.map { culprit(of: $0.range, in: text) }, culprits, "the text under each error's range",
            file: file, line: line)
    }
    return list.map(\.message)
}

/// BPFSH_DUMP_RANGES=1 prints each diagnostic's range text, to write `at:` arguments.
func dumpRanges(_ list: [Diagnostic], _ text: String, file: StaticString, line: UInt) {
    guard ProcessInfo.processInfo.environment["BPFSH_DUMP_RANGES"] == "1" else { return }
    let culprits = list.map { culprit(of: $0.range, in: text) }
    let data = try! JSONSerialization.data(
        withJSONObject: ["file": "\(file)", "line": line, "messages": list.map(\.message), "culprits": culprits])
    print("RANGEDUMP " + String(decoding: data, as: UTF8.self))
}

/// The type of `expression` evaluated in a probe with the given attach point.
func typeOf(
    _ expression: String, in attachPoint: String = "BEGIN", prelude: String = "",
    options: SemanticAnalyzer.Options = .init(), programPrefix: String = "",
    file: StaticString = #filePath, line: UInt = #line
) -> SType? {
    do {
        let checked = try check(
            "\(programPrefix)\(attachPoint) { \(prelude) $__v = \(expression); }", options: options)
        return checked.units.first?.variables["__v"]
    } catch let list as DiagnosticList {
        XCTFail("'\(expression)' in \(attachPoint): \(list.diagnostics.map(\.message))", file: file, line: line)
    } catch {
        XCTFail("'\(expression)' in \(attachPoint): \(error)", file: file, line: line)
    }
    return nil
}

// MARK: Tree printing

/// Prints an expression as an S-expression: `(+ 1 (* 2 3))`, `@m[k]`, `f(a, b)`.
func sexpr(_ expr: Expr) -> String {
    switch expr.kind {
    case .integer(let v): return "\(v)"
    case .string(let s): return "\"\(s)\""
    case .builtin(let name): return name
    case .variable(let name): return "$" + name
    case .positional(let n): return "$\(n)"
    case .positionalCount: return "$#"
    case .map(let name, let keys):
        return keys.isEmpty ? "@" + name : "@\(name)[" + keys.map(sexpr).joined(separator: ", ") + "]"
    case .call(let name, let args): return name + "(" + args.map(sexpr).joined(separator: ", ") + ")"
    case .unary(let op, let operand): return "(\(op) \(sexpr(operand)))"
    case .binary(let op, let lhs, let rhs): return "(\(op) \(sexpr(lhs)) \(sexpr(rhs)))"
    case .ternary(let c, let t, let e): return "(? \(sexpr(c)) \(sexpr(t)) \(sexpr(e)))"
    case .field(let base, let name, let arrow): return "(\(arrow ? "->" : ".") \(sexpr(base)) \(name))"
    case .index(let base, let index): return "([] \(sexpr(base)) \(sexpr(index)))"
    case .cast(let type, let operand): return "(cast \(typeText(type)) \(sexpr(operand)))"
    case .tuple(let elements): return "(tuple " + elements.map(sexpr).joined(separator: " ") + ")"
    case .record(let names, let values):
        return "(record " + zip(names, values).map { "\($0)=" + sexpr($1) }.joined(separator: " ") + ")"
    case .postIncrement(let op, let target): return "(post\(op) \(sexpr(target)))"
    case .preIncrement(let op, let target): return "(pre\(op) \(sexpr(target)))"
    case .sizeof(let type): return "(sizeof \(typeText(type)))"
    case .typeOf(let type): return "(typeof \(typeText(type)))"
    case .offsetof(let type, let path): return "(offsetof \(typeText(type)) \(path.joined(separator: ".")))"
    case .block(let statements, let value): return "(block \(block(statements)) \(sexpr(value)))"
    }
}

func typeText(_ type: TypeSyntax) -> String {
    (type.typeOfExpression.map { "typeof(" + sexpr($0.expression) + ")" } ?? type.name) + String(repeating: "*", count: type.pointerDepth) + (type.arrayLength.map { "[\($0)]" } ?? "")
}

func block(_ statements: [Stmt]) -> String {
    "{" + statements.map(stmt).joined(separator: "; ") + "}"
}

func stmt(_ statement: Stmt) -> String {
    switch statement.kind {
    case .expr(let e): return sexpr(e)
    case .assign(let target, let op, let value): return "(\(op) \(sexpr(target)) \(sexpr(value)))"
    case .varDecl(let name, let type, let value):
        var text = "(let $" + name
        if let type { text += " : " + typeText(type) }
        if let value { text += " = " + sexpr(value) }
        return text + ")"
    case .ifElse(let c, let then, let otherwise):
        return "(if \(sexpr(c)) \(block(then))" + (otherwise.map { " else \(block($0))" } ?? "") + ")"
    case .whileLoop(let c, let body): return "(while \(sexpr(c)) \(block(body)))"
    case .unroll(let count, let body): return "(unroll \(sexpr(count)) \(block(body)))"
    case .forMap(let v, let map, let body): return "(for $\(v) : \(sexpr(map)) \(block(body)))"
    case .forRange(let v, let from, let to, let body):
        return "(for $\(v) : \(sexpr(from))..\(sexpr(to)) \(block(body)))"
    case .block(let body): return block(body)
    case .breakLoop: return "break"
    case .continueLoop: return "continue"
    case .returnProbe: return "return"
    }
}

/// Parses `BEGIN { <body> }` and prints the statements of the body.
func bodyText(_ body: String, file: StaticString = #filePath, line: UInt = #line) -> String {
    do {
        let program = try parse("BEGIN { \(body) }")
        return block(program.probes[0].body)
    } catch let d as Diagnostic {
        XCTFail("parse error \(d.message) in: \(body)", file: file, line: line)
    } catch {
        XCTFail("\(error)", file: file, line: line)
    }
    return ""
}

/// Parses a lone expression and prints it.
func exprText(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> String {
    do {
        return sexpr(try Parser.parseExpression(source(text)))
    } catch let d as Diagnostic {
        XCTFail("parse error \(d.message) in: \(text)", file: file, line: line)
    } catch {
        XCTFail("\(error)", file: file, line: line)
    }
    return ""
}

/// The text under a diagnostic's range, followed by " #k" when that text occurs more than once
/// in `text` and the range is its k-th occurrence: `@x #2` in `@x = 1; @x = "a";`. An empty
/// range (a point) is "" or "#k" by the offset among the empty ranges of text, i.e. "#" + offset + 1.
func culprit(of range: SourceRange, in text: String) -> String {
    let covered = sourceText(of: range, in: text)
    let bytes = Array(text.utf8), needle = Array(covered.utf8)
    guard !needle.isEmpty else { return range.start == bytes.count ? "" : "#\(range.start + 1)" }
    var starts: [Int] = []
    var index = 0
    while index + needle.count <= bytes.count {
        if Array(bytes[index..<index + needle.count]) == needle { starts.append(index) }
        index += 1
    }
    guard starts.count > 1, let k = starts.firstIndex(of: range.start) else { return covered }
    return "\(covered) #\(k + 1)"
}

/// Text covered by a range, to state ranges readably.
func sourceText(of range: SourceRange, in text: String) -> String {
    let bytes = Array(text.utf8)
    guard range.start >= 0, range.end <= bytes.count, range.start <= range.end else {
        return "<out of bounds \(range)>"
    }
    return String(decoding: bytes[range.start..<range.end], as: UTF8.self)
}
