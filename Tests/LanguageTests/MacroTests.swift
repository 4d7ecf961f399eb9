import XCTest

@testable import Language

/// bpftrace's language macros, expanded before type checking (`LanguageMacroExpander`).
final class MacroTests: XCTestCase {
    func expanded(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            let program = try parse(text)
            XCTAssertTrue(program.macros.isEmpty, "macros are expanded away", file: file, line: line)
            return program.probes.map { block($0.body) }.joined(separator: " ")
        } catch {
            XCTFail("\(error)", file: file, line: line)
            return ""
        }
    }

    func testAVariableParameterIsTheCallersVariable() {
        XCTAssertEqual(
            expanded("macro inc($x) { $x += 1; } begin { $a = 1; inc($a); }"), "{(= $a 1); {(+= $a 1)}}")
    }

    func testTheValueIsTheLastExpressionAndLocalsAreRenamed() {
        XCTAssertEqual(
            expanded("macro inc(x) { $y = x + 1; $y } begin { $y = 2; $z = inc(5); }"),
            "{(= $y 2); (= $z (block {(= $__inc_0_y (+ 5 1))} $__inc_0_y))}")
    }

    func testMapParametersAndExpressionsEvaluatedAtEachUse() {
        XCTAssertEqual(
            expanded("macro set(@x, v) { @x[v] = v; } begin { set(@a, $k + 1); }"),
            "{{(= @a[(+ $k 1)] (+ $k 1))}}")
    }

    func testMacrosCallEachOtherInAnyOrderAndBareNamesCallZeroParameterMacros() {
        XCTAssertEqual(
            expanded("macro two() { one + one } macro one() { 1 } begin { @ = two; }"), "{(= @ (+ 1 1))}")
    }

    func testAParameterNameHidesAMacroOfTheSameName() {
        XCTAssertEqual(expanded("macro add() { 2 } macro ident(add) { add } begin { @ = ident(1); }"), "{(= @ 1)}")
    }

    func testEachExpansionHasItsOwnLocals() {
        XCTAssertEqual(
            expanded("macro m() { let $t = 1; $t } begin { @ = (m(), m()); }"),
            "{(= @ (tuple (block {(let $__m_0_t = 1)} $__m_0_t) (block {(let $__m_1_t = 1)} $__m_1_t)))}")
    }

    func testMisuseIsReportedAtTheCall() {
        XCTAssertEqual(
            parseErrorMessage("macro inc($x) { $x++ } begin { inc(1 + 1); }", at: "1 + 1"),
            "the macro 'inc' takes a scratch variable for $x (it may change it), not this expression")
        XCTAssertEqual(
            parseErrorMessage("macro get(@m) { @m[1] } begin { @ = get($x); }", at: "$x"),
            "the macro 'get' takes a map for @m, such as @counts")
        XCTAssertEqual(
            parseErrorMessage("macro s() { print(1); } begin { @ = s(); }", at: "s() #2"),
            "the macro 's' has no value to use here: its body does not end in an expression without ';'")
    }

    func testHygieneRefusesMapsNotPassedIn() {
        XCTAssertEqual(
            parseErrorMessage("macro u() { @x++ } begin { u(); }", at: "@x"),
            "the macro 'u' uses @x, which is not one of its parameters: macros see only the maps passed to them "
                + "(macro u(@x, ...))")
    }

    func testRecursionIsRefused() {
        XCTAssertEqual(
            parseErrorMessage("macro f(x) { g(x) } macro g(y) { f(y) } begin { @ = f(1); }", at: "f(y)"),
            "the macro 'f' calls itself (f → g → f): macros cannot recurse")
    }

    func testBuiltinsAreAlsoSpelledAsCallsAndWithTheBuiltinPrefix() throws {
        let checked = try check("begin { @[__builtin_comm, comm(), pid()] = count(); }")
        XCTAssertEqual(checked.units.count, 1)
        XCTAssertEqual(
            semanticErrors("begin { @ = nosuch(); }").first, "unknown function nosuch()",
            "a call that is neither a function nor a builtin stays an error")
    }
}
