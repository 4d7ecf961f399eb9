import XCTest

@testable import Language

/// Regression tests for bugs found (and fixed) in the language layer: each comment says
/// what used to go wrong, each test asserts the fixed behaviour. (Several of the old bugs
/// crashed the test process.)
final class LanguageRegressionTests: XCTestCase {
    // MARK: Crashes

    /// `interval:s:99999999999` was accepted, then `rate` multiplied by 1e9 and trapped on
    /// arithmetic overflow.
    func testIntervalRateOverflowDoesNotTrap() throws {
        for text in ["interval:s:99999999999", "interval:ms:99999999999999", "profile:us:99999999999999999"] {
            do {
                let target = try AttachPointParser.parse(
                    AttachPointSyntax(text: text, range: SourceRange(0, text.utf8.count)))
                // If accepted, the rate must be representable.
                XCTAssertNotNil(target.rate, text)
            } catch let d as Diagnostic {
                XCTAssertTrue(d.message.contains("interval") || d.message.contains("profile"), d.message)
            }
        }
    }

    /// `lhist(x, -9223372036854775807, 9223372036854775807, 1)` trapped computing
    /// `(high - low) / step` in the type checker.
    func testLhistWithAHugeRangeIsAnError() throws {
        XCTAssertEqual(
            semanticErrors(
                "BEGIN { @l = lhist(pid, -9223372036854775807, 9223372036854775807, 1); }",
                at: ["lhist(pid, -9223372036854775807, 9223372036854775807, 1)"]),
            ["lhist() would have more than 1000 buckets"])
    }

    /// `-9223372036854775808` as a literal argument (lhist, str, kstack, print) trapped:
    /// `literalInteger` negated `Int64(bitPattern: 1 << 63)`, which is Int64.min.
    func testMostNegativeLiteralArgumentDoesNotTrap() throws {
        XCTAssertEqual(
            semanticErrors(
                "BEGIN { @l = lhist(pid, -9223372036854775808, 0, 1); }", at: ["lhist(pid, -9223372036854775808, 0, 1)"]
            ),
            ["lhist() would have more than 1000 buckets"])
        XCTAssertEqual(
            semanticErrors("k:vfs_read { $s = str(arg0, -9223372036854775808); }", at: ["-9223372036854775808"]),
            ["str() length must be between 1 and 1024"])
    }

    /// About 600 nested parentheses overflowed the stack of the recursive-descent parser (on
    /// the 8 MB main thread of a debug build) and the process died with SIGSEGV; the parser
    /// now reports a nesting limit.
    func testDeepNestingIsADiagnosticNotACrash() throws {
        let depth = 100_000
        let text =
            "BEGIN { $x = " + String(repeating: "(", count: depth) + "1" + String(repeating: ")", count: depth) + "; }"
        XCTAssertNotNil(parseErrorMessage(text))
        let unary = "BEGIN { $x = " + String(repeating: "-", count: depth) + "1; }"
        XCTAssertNotNil(parseErrorMessage(unary))
    }

    // MARK: Accepted invalid programs

    /// A predicate of type void was accepted (and always false in the generated code),
    /// while `if (printf("x"))` was rejected.
    func testVoidPredicateIsRejected() throws {
        XCTAssertEqual(
            semanticErrors("BEGIN /printf(\"x\")/ { }", at: ["printf(\"x\")"]),
            ["a predicate must be an integer or a comparison, not void"])
        XCTAssertEqual(
            semanticErrors("BEGIN /exit()/ { }", at: ["exit()"]),
            ["a predicate must be an integer or a comparison, not void"])
    }

    /// `let $x: int8 = comm` was accepted: the declared type won and the value's type was
    /// never compared with it (the code then stored comm's first 8 bytes in $x).
    func testLetWithAnIncompatibleValueIsRejected() throws {
        XCTAssertEqual(
            semanticErrors("BEGIN { let $x: int8 = comm; }", at: ["comm"]),
            ["type mismatch for $x: it holds int8, cannot assign string[16]"])
    }

    /// A cast to a pointer to a pointer lost its depth: `->` then read a member as if the
    /// value pointed at the struct.
    func testMemberThroughPointerToPointerIsRejected() throws {
        XCTAssertEqual(
            semanticErrors(
                "k:vfs_read { $x = ((struct task_struct **)arg0)->pid; }", at: ["((struct task_struct **)arg0)->pid"]),
            ["'struct task_struct *' is a pointer to a pointer: dereference it first"])
    }

    // MARK: Wrong positions and messages

    /// Statement and string-literal ranges ended where the next token starts, so carets ran
    /// over trailing blanks.
    func testRangesDoNotIncludeTrailingBlanks() throws {
        let breakText = "BEGIN { break   ; }"
        XCTAssertEqual(
            DiagnosticList(semanticDiagnostics(breakText)).rendered(in: source(breakText)),
            """
            prog.bt:1:9: error: 'break' and 'continue' are only allowed in a while or for loop
            BEGIN { break   ; }
                    ^~~~~

            """)
        let stringText = "BEGIN { $x = 1; $x = \"abc\"   ; }"
        XCTAssertEqual(
            DiagnosticList(semanticDiagnostics(stringText)).rendered(in: source(stringText)),
            """
            prog.bt:1:22: error: type mismatch for $x: it holds int8, cannot assign string[4]
            BEGIN { $x = 1; $x = "abc"   ; }
                                 ^~~~~

            """)
    }

    /// A parenthesised expression's range was its inner expression's, so `(comm) + 1` was
    /// underlined from inside the parentheses: `comm) + 1`.
    func testParenthesisedExpressionRangeIncludesTheParentheses() throws {
        let text = "BEGIN { $x = (comm) + 1; }"
        XCTAssertEqual(
            DiagnosticList(semanticDiagnostics(text)).rendered(in: source(text)),
            """
            prog.bt:1:14: error: '+' cannot compare string[16] with int8
            BEGIN { $x = (comm) + 1; }
                         ^~~~~~~~~~

            """)
    }

    /// `Probe.range` ended after the token that follows the probe (the next probe's first
    /// attach point, read ahead by the parser).
    func testProbeRangeEndsAtItsClosingBrace() throws {
        let text = "BEGIN { } END { }"
        let program = try parse(text)
        XCTAssertEqual(program.probes.map { sourceText(of: $0.range, in: text) }, ["BEGIN { }", "END { }"])
    }

    /// `1e999` said "invalid number literal" (the exponent loop stopped after two digits and
    /// left the third as junk), while `1e40` correctly said the literal is too large.
    func testHugeExponentIsTooLarge() throws {
        XCTAssertEqual(lexDiagnostic("1e999")?.message, "integer literal is too large for 64 bits")
        XCTAssertEqual(lexDiagnostic("1e999")?.range, SourceRange(0, 5))
    }

    /// A backslash at the end of a line inside a string reported
    /// "invalid escape character '\<newline>'", a message with a raw newline that broke
    /// the one-line `file:line:col: error:` format.
    func testBackslashNewlineInAStringIsAnUnterminatedString() throws {
        let d = lexDiagnostic("\"abc\\\ndef\"")
        XCTAssertEqual(d?.message, "unterminated string")
        XCTAssertEqual(d.map { $0.message.contains("\n") }, false)
    }

    /// Attach points were built byte by byte as Latin-1 scalars, so UTF-8 paths were mangled:
    /// `uprobe:/tmp/é:main` became `uprobe:/tmp/Ã©:main`.
    func testNonASCIIAttachPointsKeepTheirText() throws {
        var lexer = Lexer(source("uprobe:/tmp/é:main { }"))
        XCTAssertEqual(try lexer.nextAttachPoint().kind, .attachPoint("uprobe:/tmp/é:main"))
    }
}
