import XCTest

@testable import Language

/// Current bpftrace's syntax (its docs/language.md) beside the old spellings, which stay.
final class TodaySyntaxTests: XCTestCase {
    // MARK: if and while without parentheses

    func testConditionsWithoutParentheses() {
        XCTAssertEqual(bodyText("if $x > 1 { $y = 1 }"), "{(if (> $x 1) {(= $y 1)})}")
        XCTAssertEqual(bodyText("if ($x) { } else if $x == 2 { }"), "{(if $x {} else {(if (== $x 2) {})})}")
        XCTAssertEqual(bodyText("while $i < 3 { $i++ }"), "{(while (< $i 3) {(post++ $i)})}")
        // The old spelling, and a parenthesised operand that is only part of the condition.
        XCTAssertEqual(bodyText("while ($i < 3) { }"), "{(while (< $i 3) {})}")
        XCTAssertEqual(bodyText("if ($a) && $b { }"), "{(if (&& $a $b) {})}")
    }

    func testConditionErrorsPointAtTheCulprit() {
        XCTAssertEqual(parseErrorMessage("BEGIN { if { } }", at: "{ #2"), "expected a condition after 'if'")
        XCTAssertEqual(
            parseErrorMessage("BEGIN { while 1 print(1); }", at: "print"),
            "expected '{' after the 'while' condition, found 'print'")
    }

    // MARK: Block expressions, discard, `?:`

    func testBlockExpressions() throws {
        XCTAssertEqual(bodyText("$x = { let $y = 2; $y + 1 };"), "{(= $x (block {(let $y = 2)} (+ $y 1)))}")
        XCTAssertEqual(bodyText("print({ 5 });"), "{print((block {} 5))}")
        let text = "BEGIN { $x = { $y = 2; $y }; }"
        guard case .assign(_, _, let value) = try parse(text).probes[0].body[0].kind else {
            return XCTFail("not an assignment")
        }
        XCTAssertEqual(sourceText(of: value.range, in: text), "{ $y = 2; $y }")
        XCTAssertEqual(typeOf("{ $a = \"s\"; 1 + 2 }"), .s64)
    }

    func testABlockValueNeedsAFinalExpression() {
        XCTAssertEqual(
            parseErrorMessage("BEGIN { $x = { $y = 2; }; }", at: "{ $y = 2; }"),
            "a block used as a value must end with an expression without ';', as in { $x = 1; $x + 1 }")
    }

    func testDiscard() {
        XCTAssertEqual(bodyText("_ = 1 + 2;"), "{(+ 1 2)}")
        XCTAssertEqual(bodyText("_ = @m[1];"), "{@m[1]}")
    }

    func testConditionalWithoutMiddleOperandEvaluatesItsConditionOnce() throws {
        let text = "BEGIN { $a = @x++ ?: 10; }"
        let body = try parse(text).probes[0].body
        guard case .assign(_, _, let value) = body[0].kind, case .block(let stored, let choice) = value.kind else {
            return XCTFail("not a block: \(block(body))")
        }
        XCTAssertEqual(stored.count, 1)
        guard case .ternary(let c, let t, let e) = choice.kind else { return XCTFail("not a ternary") }
        XCTAssertEqual(sexpr(c), sexpr(t))
        XCTAssertEqual(sexpr(e), "10")
        XCTAssertEqual(sourceText(of: value.range, in: text), "@x++ ?: 10")
        XCTAssertEqual(typeOf("$t ?: 20", prelude: "$t = 0;"), .literal(1))
    }

    // MARK: Tuples

    func testTupleIndexing() {
        XCTAssertEqual(typeOf("$t[1]", prelude: "$t = (1, \"hello\");"), .string(size: 6))
        XCTAssertEqual(typeOf("(1, \"hello\")[1 - 1]"), .literal(1))
        XCTAssertEqual(
            semanticErrors("BEGIN { $t = (1, 2); $i = 0; print($t[$i]); }", at: ["$i #2"]),
            ["a tuple's index must be an integer constant, such as $t[0]"])
        XCTAssertEqual(
            semanticErrors("BEGIN { $t = (1, 2); print($t[2]); }", at: ["$t[2]"]),
            ["tuple has 2 elements; [2] is not one of them"])
    }

    // MARK: Map declarations

    func testMapDeclarations() throws {
        let program = try parse(
            "let @a = lruhash(100);\nlet @b = percpulruhash(20);\nbegin { @a[1] = 2; @b[1] = count(); }")
        XCTAssertEqual(program.mapDeclarations.map(\.name), ["a", "b"])
        XCTAssertEqual(program.mapDeclarations.map(\.kind), [.lruhash, .percpulruhash])
        XCTAssertEqual(program.mapDeclarations.map(\.maxEntries), [100, 20])
        let checked = try check("let @a = lruhash(100); begin { @a[1] = 2; }")
        XCTAssertEqual(checked.maps.first?.declaration?.kind, .lruhash)
    }

    func testADeclaredHashWarnsWhenFullAndAnLRUHashDoesNot() throws {
        let checked = try check("let @a = hash(1); let @b = lruhash(1); begin { @a[1] = 1; @b[1] = 1; }")
        let a = try XCTUnwrap(checked.maps.first { $0.name == "a" })
        XCTAssertNil(checked.maps.first { $0.name == "b" }?.fullWarning, "an LRU hash evicts instead")
        let warning = try XCTUnwrap(checked.formats.first { $0.id == a.fullWarning })
        XCTAssertEqual(
            warning.action, .report(format: "Map full; can't update element", place: "prog.bt:1:1-17", isError: false))
    }

    func testConfigRecordFieldsAreTheProgramsSettings() throws {
        let checked = try check("config = { max_strlen = 64 } begin { $a = config().max_strlen; $b = __builtin_config.max_strlen; }")
        let constants = checked.units.flatMap { $0.constants.values }
        XCTAssertEqual(constants.filter { $0 == 64 }.count, 2)
        // A text setting is a string constant, as bpftrace's `config.stack_mode`.
        let text = try check("begin { $a = config.stack_mode; }")
        XCTAssertEqual(text.units.flatMap { $0.stringConstants.values }, ["bpftrace"])
    }

    func testMapDeclarationErrors() {
        XCTAssertEqual(
            parseErrorMessage("let @a = lru(1); begin { }", at: "lru"),
            "expected a map type (hash, lruhash, percpuhash, percpulruhash), found 'lru'")
        XCTAssertEqual(
            parseErrorMessage("let @a = hash(0); begin { }", at: "0"),
            "hash() takes one argument: the number of entries, a positive integer")
        XCTAssertEqual(
            parseErrorMessage("begin { } let @a = hash(1);", at: "let"), "map declarations must come before the probes")
        XCTAssertEqual(
            semanticErrors("let @a = percpuhash(10); begin { @a[1] = 1; }", at: ["let @a = percpuhash(10)"]),
            [
                "@a is declared percpuhash, which holds aggregations such as count(), but is assigned plain values"
            ])
        XCTAssertEqual(
            semanticErrors("let @a = hash(10); begin { @a[1] = count(); }", at: ["let @a = hash(10)"]),
            ["@a holds an aggregation, so it must be declared percpuhash or percpulruhash, not hash"])
    }

    func testAnUnusedDeclaredMapIsAWarning() throws {
        let checked = try check("let @a = percpuhash(1); begin { }")
        XCTAssertEqual(checked.warnings.map(\.message), ["Unused map: @a"])
    }

    // MARK: Durations in attach points, probetype

    func testDurationsInAttachPoints() throws {
        func parts(_ text: String) throws -> [String] {
            try AttachPointParser.parse(AttachPointSyntax(text: text, range: SourceRange(0, text.utf8.count))).parts
        }
        XCTAssertEqual(try parts("interval:1s"), ["s", "1"])
        XCTAssertEqual(try parts("interval:100ms"), ["ms", "100"])
        XCTAssertEqual(try parts("interval:1000000000"), ["s", "1"])
        XCTAssertEqual(try parts("interval:2m"), ["s", "120"])
        XCTAssertEqual(try parts("i:1500us"), ["us", "1500"])
        XCTAssertEqual(try parts("interval:s:1"), ["s", "1"])
        XCTAssertEqual(
            semanticErrors("interval:5x { }", at: ["interval:5x"]),
            [
                "interval probes are written interval:DURATION (e.g. interval:1s, interval:100ms) or "
                    + "interval:UNIT:N with UNIT one of hz, s, ms, us (e.g. interval:s:1)"
            ])
    }

    func testProbetype() {
        XCTAssertEqual(typeOf("probetype"), .string(size: 8))  // "special"
        XCTAssertEqual(typeOf("probetype", in: "interval:1s"), .string(size: 9))  // "interval"
    }
}
