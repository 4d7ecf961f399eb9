import XCTest

@testable import Language

final class LexerTests: XCTestCase {
    // MARK: Token kinds

    func testNamesVariablesMapsAndPositionals() throws {
        XCTAssertEqual(
            try lexKinds("pid $x $_y1 @ @name @_a9 $1 $23 $# comm"),
            [
                .identifier("pid"), .variable("x"), .variable("_y1"), .map(""), .map("name"), .map("_a9"),
                .positional(1), .positional(23), .positionalCount, .identifier("comm"),
            ])
    }

    func testIdentifiersMayContainDigitsAndUnderscores() throws {
        XCTAssertEqual(try lexKinds("_a1 B_2 x"), [.identifier("_a1"), .identifier("B_2"), .identifier("x")])
    }

    func testEveryPunctuatorAlone() throws {
        let all = [
            "<<=", ">>=", "...", "..", "->", "++", "--", "==", "!=", "<=", ">=", "&&", "||", "<<", ">>",
            "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "::",
            "+", "-", "*", "/", "%", "&", "|", "^", "!", "~", "<", ">", "=", "?", ":", ";", ",", ".",
            "(", ")", "{", "}", "[", "]",
        ]
        for p in all {
            XCTAssertEqual(try lexKinds(p), [.punct(p)], p)
            XCTAssertEqual(try lexKinds("a\(p)b"), [.identifier("a"), .punct(p), .identifier("b")], p)
        }
    }

    func testLongestPunctuatorWins() throws {
        XCTAssertEqual(try lexKinds("a<<=1"), [.identifier("a"), .punct("<<="), .integer(1)])
        XCTAssertEqual(try lexKinds("a--->b"), [.identifier("a"), .punct("--"), .punct("->"), .identifier("b")])
        XCTAssertEqual(try lexKinds("0...9"), [.integer(0), .punct("..."), .integer(9)])
        XCTAssertEqual(try lexKinds("0..9"), [.integer(0), .punct(".."), .integer(9)])
        XCTAssertEqual(try lexKinds("!==="), [.punct("!="), .punct("==")])
        XCTAssertEqual(try lexKinds("a!=!b"), [.identifier("a"), .punct("!="), .punct("!"), .identifier("b")])
    }

    func testEndOfInputIsRepeatable() throws {
        var lexer = Lexer(source("  "))
        XCTAssertEqual(try lexer.next().kind, .eof)
        XCTAssertEqual(try lexer.next().kind, .eof)
        XCTAssertEqual(try lexer.next().range, SourceRange(2, 2))
    }

    func testTokenRanges() throws {
        var lexer = Lexer(source("  foo\n\t@bar[$1]"))
        var ranges: [String] = []
        while true {
            let token = try lexer.next()
            if token.kind == .eof { break }
            ranges.append(sourceText(of: token.range, in: "  foo\n\t@bar[$1]"))
        }
        XCTAssertEqual(ranges, ["foo", "@bar", "[", "$1", "]"])
    }

    func testPeekDoesNotConsume() throws {
        var lexer = Lexer(source("a b"))
        XCTAssertEqual(try lexer.peek().kind, .identifier("a"))
        XCTAssertEqual(try lexer.peek().kind, .identifier("a"))
        XCTAssertEqual(try lexer.next().kind, .identifier("a"))
        XCTAssertEqual(try lexer.peek().kind, .identifier("b"))
        let position = lexer.position
        _ = try lexer.next()
        lexer.reset(to: position)
        XCTAssertEqual(try lexer.next().kind, .identifier("b"))
    }

    func testKindDescriptions() {
        XCTAssertEqual(Token.Kind.integer(5).description, "integer 5")
        XCTAssertEqual(Token.Kind.string("a").description, "string \"a\"")
        XCTAssertEqual(Token.Kind.identifier("pid").description, "'pid'")
        XCTAssertEqual(Token.Kind.variable("x").description, "'$x'")
        XCTAssertEqual(Token.Kind.positional(2).description, "'$2'")
        XCTAssertEqual(Token.Kind.positionalCount.description, "'$#'")
        XCTAssertEqual(Token.Kind.map("m").description, "'@m'")
        XCTAssertEqual(Token.Kind.attachPoint("BEGIN").description, "attach point 'BEGIN'")
        XCTAssertEqual(Token.Kind.punct("{").description, "'{'")
        XCTAssertEqual(Token.Kind.eof.description, "end of input")
    }

    // MARK: Numbers

    func testNumberLiterals() throws {
        let cases: [(String, UInt64)] = [
            ("0", 0), ("7", 7), ("1234567890", 1_234_567_890),
            ("0x1F", 31), ("0X1f", 31), ("0xdead_beef", 0xdead_beef), ("0xFFFFFFFFFFFFFFFF", UInt64.max),
            ("017", 15), ("0777", 511), ("00", 0),
            ("0b101", 5), ("0B1111_0000", 240),
            ("1_000_000", 1_000_000), ("1__0", 10),
            ("1e6", 1_000_000), ("2E3", 2000), ("1e0", 1), ("5e18", 5_000_000_000_000_000_000),
            ("1e19", 10_000_000_000_000_000_000),
            ("10u", 10), ("10U", 10), ("10l", 10), ("10UL", 10), ("10ll", 10), ("10ULL", 10), ("0x10ul", 16),
            ("18446744073709551615", UInt64.max),
        ]
        for (text, value) in cases {
            XCTAssertEqual(try lexKinds(text), [.integer(value)], text)
        }
    }

    func testDurationLiteralsAreNanoseconds() throws {
        let cases: [(String, UInt64)] = [
            ("5ns", 5), ("10us", 10_000), ("100ms", 100_000_000), ("1s", 1_000_000_000), ("2m", 120_000_000_000),
            ("1h", 3_600_000_000_000), ("1d", 86_400_000_000_000), ("1_000ms", 1_000_000_000),
            ("0x10s", 16_000_000_000), ("1e3ms", 1_000_000_000), ("0x1d", 0x1d),
        ]
        for (text, value) in cases {
            XCTAssertEqual(try lexKinds(text), [.integer(value)], text)
        }
        XCTAssertEqual(try lexKinds("1s+2ms"), [.integer(1_000_000_000), .punct("+"), .integer(2_000_000)])
        for text in ["1sec", "1msx", "5mss", "1S", "1ns2"] {
            XCTAssertEqual(lexDiagnostic(text)?.message, "invalid number literal", text)
        }
        XCTAssertEqual(lexDiagnostic("213504d")?.message, "integer literal is too large for 64 bits")
        XCTAssertEqual(try lexKinds("213503d"), [.integer(213_503 * 86_400_000_000_000)])
    }

    func testNegativeNumbersAreUnaryMinus() throws {
        XCTAssertEqual(try lexKinds("-1"), [.punct("-"), .integer(1)])
    }

    func testNumberOverflow() {
        for text in [
            "18446744073709551616", "0x1_0000_0000_0000_0000", "99999999999999999999999", "1e20", "2e19",
            "0b" + String(repeating: "1", count: 65),
        ] {
            let d = lexDiagnostic(text)
            XCTAssertEqual(d?.message, "integer literal is too large for 64 bits", text)
            XCTAssertEqual(d?.range, SourceRange(0, text.utf8.count), text)
        }
        // The range covers just the literal.
        let d = lexDiagnostic("x + 99999999999999999999 + y")
        XCTAssertEqual(d?.range, SourceRange(4, 24))
    }

    func testInvalidNumbers() {
        let cases: [(String, SourceRange)] = [
            ("123abc", SourceRange(0, 6)),
            ("0x", SourceRange(0, 2)),
            ("08", SourceRange(0, 2)),
            ("09_1", SourceRange(0, 4)),
            ("0b102", SourceRange(0, 5)),
            ("1e", SourceRange(0, 2)),
            ("12uz", SourceRange(0, 4)),
            ("0xfg", SourceRange(0, 4)),
        ]
        for (text, range) in cases {
            let d = lexDiagnostic(text)
            XCTAssertEqual(d?.message, "invalid number literal", text)
            XCTAssertEqual(d?.range, range, text)
        }
    }

    func testNumberFollowedByPunctuation() throws {
        XCTAssertEqual(try lexKinds("1+2"), [.integer(1), .punct("+"), .integer(2)])
        XCTAssertEqual(try lexKinds("$t.0"), [.variable("t"), .punct("."), .integer(0)])
        XCTAssertEqual(try lexKinds("@x[0x10]"), [.map("x"), .punct("["), .integer(16), .punct("]")])
    }

    // MARK: Strings and characters

    func testStringEscapes() throws {
        let cases: [(String, String)] = [
            (#""plain""#, "plain"),
            (#""""#, ""),
            (#""a\nb""#, "a\nb"),
            (#""\t|\r|\\""#, "\t|\r|\\"),
            (#""\x41\x42c""#, "ABc"),
            (#""\x4142""#, "A42"),
            (#""\101\60\0""#, "A0\0"),
            (#""say \"hi\"""#, "say \"hi\""),
            (#""it\'s""#, "it's"),
            (#""\a\b\f\v\e""#, "\u{07}\u{08}\u{0C}\u{0B}\u{1B}"),
            (#""héllo ✓""#, "héllo ✓"),
        ]
        for (text, value) in cases {
            XCTAssertEqual(try lexKinds(text), [.string(value)], text)
        }
    }

    func testStringRange() throws {
        var lexer = Lexer(source(#"x "a\"b" y"#))
        _ = try lexer.next()
        XCTAssertEqual(try lexer.next().range, SourceRange(2, 8))
        XCTAssertEqual(try lexer.next().kind, .identifier("y"))
    }

    func testInvalidEscapes() {
        // Ranges run from the backslash to the end of what was read of the escape.
        let cases: [(String, String, SourceRange)] = [
            (#""a\q""#, "invalid escape character '\\q'", SourceRange(2, 4)),
            (#""\x""#, "\\x used with no following hex digits", SourceRange(1, 3)),
            (#""ab\xzz""#, "\\x used with no following hex digits", SourceRange(3, 5)),
            (#""\777""#, "octal escape sequence out of range", SourceRange(1, 5)),
            (#""\8""#, "invalid escape character '\\8'", SourceRange(1, 3)),
        ]
        for (text, message, range) in cases {
            let d = lexDiagnostic(text)
            XCTAssertEqual(d?.message, message, text)
            XCTAssertEqual(d?.range, range, text)
        }
    }

    func testUnterminatedString() {
        let atEnd = lexDiagnostic(#"x "abc"#)
        XCTAssertEqual(atEnd?.message, "unterminated string")
        XCTAssertEqual(atEnd?.range, SourceRange(2, 6))
        // A string stops at the end of its line.
        let atNewline = lexDiagnostic("\"abc\ndef\"")
        XCTAssertEqual(atNewline?.message, "unterminated string")
        XCTAssertEqual(atNewline?.range, SourceRange(0, 4))
        let escapeAtEnd = lexDiagnostic(#""abc\"#)
        XCTAssertEqual(escapeAtEnd?.message, "unterminated escape")
        XCTAssertEqual(escapeAtEnd?.range, SourceRange(4, 5))
    }

    func testUnterminatedStringRendering() {
        let program = "BEGIN {\n  printf(\"abc);\n}"
        XCTAssertEqual(
            parseErrorText(program),
            """
            prog.bt:2:10: error: unterminated string
              printf("abc);
                     ^~~~~~

            """)
    }

    func testCharacterLiterals() throws {
        XCTAssertEqual(
            try lexKinds("'a' '\\n' '\\x41' '\\0' '\"'"),
            [.integer(97), .integer(10), .integer(65), .integer(0), .integer(34)])
        XCTAssertEqual(lexDiagnostic("''")?.message, "empty character literal")
        XCTAssertEqual(lexDiagnostic("'ab'")?.message, "unterminated character literal")
        XCTAssertEqual(lexDiagnostic("'ab'")?.range, SourceRange(0, 2))
        XCTAssertEqual(lexDiagnostic("'\\q'")?.message, "invalid escape character '\\q'")
    }

    // MARK: Trivia

    func testCommentsAreSkipped() throws {
        XCTAssertEqual(
            try lexKinds("a // to the end\n b /* over\n lines */ c /**/ d // last"),
            [.identifier("a"), .identifier("b"), .identifier("c"), .identifier("d")])
        XCTAssertEqual(try lexKinds("a/*x*/b"), [.identifier("a"), .identifier("b")])
        XCTAssertEqual(try lexKinds("a / b"), [.identifier("a"), .punct("/"), .identifier("b")])
        XCTAssertEqual(try lexKinds("\r\n\ta\r\n"), [.identifier("a")])
    }

    func testUnterminatedComment() {
        let d = lexDiagnostic("a /* never closed\n more")
        XCTAssertEqual(d?.message, "unterminated comment")
        XCTAssertEqual(d?.range, SourceRange(2, 4))
        XCTAssertEqual(
            parseErrorText("BEGIN { /* never closed\n}"),
            """
            prog.bt:1:9: error: unterminated comment
            BEGIN { /* never closed
                    ^~

            """)
    }

    func testPreprocessorLinesAreSkipped() throws {
        XCTAssertEqual(
            try lexKinds("#include <linux/sched.h>\n  #define X 1\nBEGIN\n#if 0\nEND"),
            [.identifier("BEGIN"), .identifier("END")])
    }

    func testHashInsideALineIsAnError() {
        let d = lexDiagnostic("a # b")
        XCTAssertEqual(d?.message, "unexpected character '#'")
        XCTAssertEqual(d?.range, SourceRange(2, 3))
    }

    func testIncludeBeforeAProgram() throws {
        // The preprocessor satisfies kernel headers from BTF (see PreprocessorTests).
        let program = try parse("#include <linux/sched.h>\n#include <net/sock.h>\nBEGIN { exit(); }\n")
        XCTAssertEqual(program.probes.map { $0.attachPoints.map(\.text) }, [["BEGIN"]])
    }

    func testUnexpectedCharacters() {
        let d = lexDiagnostic("a ` b")
        XCTAssertEqual(d?.message, "unexpected character '`'")
        XCTAssertEqual(d?.range, SourceRange(2, 3))
        let unicode = lexDiagnostic("x é")
        XCTAssertEqual(unicode?.message, "unexpected character 'é'")
        XCTAssertEqual(unicode?.range, SourceRange(2, 4))
        XCTAssertEqual(lexDiagnostic("\\")?.message, "unexpected character '\\'")
    }

    func testDollarErrors() {
        XCTAssertEqual(lexDiagnostic("$")?.message, "expected a variable name after '$'")
        XCTAssertEqual(lexDiagnostic("$ x")?.range, SourceRange(0, 1))
        XCTAssertEqual(lexDiagnostic("$99999999")?.message, "positional parameter number is too large")
    }

    // MARK: Attach points

    private func attachPoints(_ text: String) throws -> [String] {
        var lexer = Lexer(source(text))
        var out: [String] = []
        while true {
            let token = try lexer.nextAttachPoint()
            guard case .attachPoint(let point) = token.kind else { return out }
            out.append(point)
            try lexer.skipTrivia()
            let saved = lexer.position
            if try lexer.next().kind != .punct(",") {
                lexer.reset(to: saved)
                return out
            }
        }
    }

    func testUprobeStopsBeforeThePredicate() throws {
        var lexer = Lexer(source("uprobe:/bin/bash:readline /pid == 1/ { }"))
        let point = try lexer.nextAttachPoint()
        XCTAssertEqual(point.kind, .attachPoint("uprobe:/bin/bash:readline"))
        XCTAssertEqual(point.range, SourceRange(0, 25))
        XCTAssertEqual(try lexer.next().kind, .punct("/"))
        XCTAssertEqual(try lexer.next().kind, .identifier("pid"))
    }

    func testPredicateWithoutSpaceEndsTheAttachPoint() throws {
        var lexer = Lexer(source("uprobe:/bin/bash:readline/pid == 1/"))
        XCTAssertEqual(try lexer.nextAttachPoint().kind, .attachPoint("uprobe:/bin/bash:readline"))
        XCTAssertEqual(try lexer.next().kind, .punct("/"))
        var kprobe = Lexer(source("kprobe:vfs_read/arg0 > 0/"))
        XCTAssertEqual(try kprobe.nextAttachPoint().kind, .attachPoint("kprobe:vfs_read"))
    }

    func testAttachPointShapes() throws {
        XCTAssertEqual(try attachPoints("tracepoint:syscalls:sys_enter_* { }"), ["tracepoint:syscalls:sys_enter_*"])
        XCTAssertEqual(
            try attachPoints("t:sched:sched_switch,t:sched:sched_wakeup{"),
            ["t:sched:sched_switch", "t:sched:sched_wakeup"])
        XCTAssertEqual(try attachPoints("k:vfs_read , k:vfs_write {"), ["k:vfs_read", "k:vfs_write"])
        XCTAssertEqual(try attachPoints("BEGIN{"), ["BEGIN"])
        XCTAssertEqual(try attachPoints("uprobe:./a.out:main {"), ["uprobe:./a.out:main"])
        XCTAssertEqual(try attachPoints("usdt:/usr/lib/libc.so.6:libc:setjmp"), ["usdt:/usr/lib/libc.so.6:libc:setjmp"])
        XCTAssertEqual(
            try attachPoints("u:/lib/x86_64-linux-gnu/libc.so.6:mall?c"), ["u:/lib/x86_64-linux-gnu/libc.so.6:mall?c"])
        XCTAssertEqual(try attachPoints("profile:hz:99\n{"), ["profile:hz:99"])
        XCTAssertEqual(try attachPoints("  // comment\n  /* c */ END {"), ["END"])
        XCTAssertEqual(try attachPoints("#include <x.h>\nBEGIN {"), ["BEGIN"])
    }

    func testQuotedAttachPointParts() throws {
        XCTAssertEqual(try attachPoints(#"uprobe:"/tmp/my prog":main {"#), ["uprobe:/tmp/my prog:main"])
    }

    func testAttachPointAtEndAndErrors() throws {
        var empty = Lexer(source("   "))
        XCTAssertEqual(try empty.nextAttachPoint().kind, .eof)
        var brace = Lexer(source("  { }"))
        XCTAssertThrowsError(try brace.nextAttachPoint()) { error in
            let d = error as? Diagnostic
            XCTAssertEqual(d?.message, "expected an attach point such as 'tracepoint:sched:sched_switch' or 'BEGIN'")
            XCTAssertEqual(d?.range, SourceRange(2, 3))
        }
    }
}
