import XCTest

@testable import Language

/// Bugs found in the language layer, written as the behaviour should be. Each is skipped
/// until fixed: remove the `XCTSkipIf` line of a test once its bug is fixed. (Several of
/// them crash the test process when run.)
final class LanguageKnownBugsTests: XCTestCase {
    // MARK: Crashes

    /// `interval:s:99999999999` is accepted, then `rate` multiplies by 1e9 and traps on
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

    /// `lhist(x, -9223372036854775807, 9223372036854775807, 1)` traps computing
    /// `(high - low) / step` in the type checker.
    func testLhistWithAHugeRangeIsAnError() throws {
        XCTAssertEqual(
            semanticErrors(
                "BEGIN { @l = lhist(pid, -9223372036854775807, 9223372036854775807, 1); }",
                at: ["lhist(pid, -9223372036854775807, 9223372036854775807, 1)"]),
            ["lhist() would have more than 1000 buckets"])
    }

    /// `-9223372036854775808` as a literal argument (lhist, str, kstack, print) traps:
    /// `literalInteger` negates `Int64(bitPattern: 1 << 63)`, which is Int64.min.
    func testMostNegativeLiteralArgumentDoesNotTrap() throws {
        XCTAssertEqual(
            semanticErrors(
                "BEGIN { @l = lhist(pid, -9223372036854775808, 0, 1); }", at: ["lhist(pid, -9223372036854775808, 0, 1)"]
            ),
            ["lhist() would have more than 1000 buckets"])
        XCTAssertEqual(
            semanticErrors("k:vfs_read { $s = str(arg0, -9223372036854775808); }", at: ["-9223372036854775808"]),
            ["str() length must be between 1 and 200"])
    }

    /// About 600 nested parentheses overflow the stack of the recursive-descent parser (on
    /// the 8 MB main thread of a debug build); the process dies with SIGSEGV. A parser
    /// should report a nesting limit instead.
    func testDeepNestingIsADiagnosticNotACrash() throws {
        let depth = 100_000
        let text =
            "BEGIN { $x = " + String(repeating: "(", count: depth) + "1" + String(repeating: ")", count: depth) + "; }"
        XCTAssertNotNil(parseErrorMessage(text))
        let unary = "BEGIN { $x = " + String(repeating: "-", count: depth) + "1; }"
        XCTAssertNotNil(parseErrorMessage(unary))
    }

    // MARK: Accepted invalid programs

    /// A predicate of type void is accepted (and is always false in the generated code),
    /// while `if (printf("x"))` is rejected.
    func testVoidPredicateIsRejected() throws {
        XCTAssertEqual(
            semanticErrors("BEGIN /printf(\"x\")/ { }", at: ["printf(\"x\")"]),
            ["a predicate must be an integer or a comparison, not void"])
        XCTAssertEqual(
            semanticErrors("BEGIN /exit()/ { }", at: ["exit()"]),
            ["a predicate must be an integer or a comparison, not void"])
    }

    /// `let $x: int8 = comm` is accepted: the declared type wins and the value's type is
    /// never compared with it (the code then stores comm's first 8 bytes in $x).
    func testLetWithAnIncompatibleValueIsRejected() throws {
        XCTAssertEqual(
            semanticErrors("BEGIN { let $x: int8 = comm; }", at: ["comm"]),
            ["type mismatch for $x: it holds int8, cannot assign string[16]"])
    }

    /// A cast to a pointer to a pointer loses its depth: `->` then reads a member as if
    /// the value pointed at the struct.
    func testMemberThroughPointerToPointerIsRejected() throws {
        XCTAssertEqual(
            semanticErrors(
                "k:vfs_read { $x = ((struct task_struct **)arg0)->pid; }", at: ["((struct task_struct **)arg0)->pid"]),
            ["'struct task_struct *' is a pointer to a pointer: dereference it first"])
    }

    // MARK: Wrong positions and messages

    /// Statement and string-literal ranges end where the next token starts, so carets run
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
            prog.bt:1:22: error: type mismatch for $x: it holds int64, cannot assign string[4]
            BEGIN { $x = 1; $x = "abc"   ; }
                                 ^~~~~

            """)
    }

    /// A parenthesised expression's range is its inner expression's, so `(comm) + 1`
    /// is underlined from inside the parentheses: `comm) + 1`.
    func testParenthesisedExpressionRangeIncludesTheParentheses() throws {
        let text = "BEGIN { $x = (comm) + 1; }"
        XCTAssertEqual(
            DiagnosticList(semanticDiagnostics(text)).rendered(in: source(text)),
            """
            prog.bt:1:14: error: '+' cannot compare string[16] with int64
            BEGIN { $x = (comm) + 1; }
                         ^~~~~~~~~~

            """)
    }

    /// `Probe.range` ends after the token that follows the probe (the next probe's first
    /// attach point, read ahead by the parser).
    func testProbeRangeEndsAtItsClosingBrace() throws {
        let text = "BEGIN { } END { }"
        let program = try parse(text)
        XCTAssertEqual(program.probes.map { sourceText(of: $0.range, in: text) }, ["BEGIN { }", "END { }"])
    }

    /// `1e999` says "invalid number literal" (the exponent loop stops after two digits and
    /// leaves the third as junk), while `1e40` correctly says the literal is too large.
    func testHugeExponentIsTooLarge() throws {
        XCTAssertEqual(lexDiagnostic("1e999")?.message, "integer literal is too large for 64 bits")
        XCTAssertEqual(lexDiagnostic("1e999")?.range, SourceRange(0, 5))
    }

    /// A backslash at the end of a line inside a string reports
    /// "invalid escape character '\<newline>'", a message with a raw newline that breaks
    /// the one-line `file:line:col: error:` format.
    func testBackslashNewlineInAStringIsAnUnterminatedString() throws {
        let d = lexDiagnostic("\"abc\\\ndef\"")
        XCTAssertEqual(d?.message, "unterminated string")
        XCTAssertEqual(d.map { $0.message.contains("\n") }, false)
    }

    /// Attach points are built byte by byte as Latin-1 scalars, so UTF-8 paths are mangled:
    /// `uprobe:/tmp/é:main` becomes `uprobe:/tmp/Ã©:main`.
    func testNonASCIIAttachPointsKeepTheirText() throws {
        var lexer = Lexer(source("uprobe:/tmp/é:main { }"))
        XCTAssertEqual(try lexer.nextAttachPoint().kind, .attachPoint("uprobe:/tmp/é:main"))
    }
}
