import XCTest

@testable import Language

/// C definitions in programs: enums (their enumerators are constants of the enum's type,
/// printed by name) and, below, structs.
final class CDefinitionTests: XCTestCase {
    func testEnumeratorsCountOnFromTheLastValue() throws {
        let program = try parse("enum Foo { A, B = 10, C, D = -1, E, }; begin { }")
        XCTAssertEqual(program.enums.map(\.name), ["Foo"])
        XCTAssertEqual(program.enums[0].enumerators.map(\.name), ["A", "B", "C", "D", "E"])
        XCTAssertEqual(program.enums[0].enumerators.map(\.value), [0, 10, 11, -1, 0])
        XCTAssertEqual(try parse("enum { ONE = 1 } begin { }").enums[0].name, "ONE", "an anonymous enum")
    }

    func testEnumeratorsAreTypedConstantsAndCastsNameTheType() {
        let foo = CEnumType(name: "Foo", enumerators: [.init(name: "ONE", value: 1), .init(name: "TWO", value: 2)])
        XCTAssertEqual(
            typeOf("ONE", programPrefix: "enum Foo { ONE = 1, TWO } "),
            .named(.enumeration(foo)))
        XCTAssertEqual(
            typeOf("(enum Foo)2", programPrefix: "enum Foo { ONE = 1, TWO } "),
            .named(.enumeration(foo)))
        XCTAssertEqual(
            typeOf("ONE + 1", programPrefix: "enum Foo { ONE = 1, TWO } "),
            .s64, "arithmetic makes a plain number")
    }

    func testEnumErrors() {
        XCTAssertEqual(parseErrorMessage("enum Foo { } begin { }"), "an enum needs at least one enumerator")
        XCTAssertEqual(
            parseErrorMessage("enum Foo { A = x } begin { }", at: "x"), "an enumerator's value must be an integer literal")
    }
}
