import XCTest

import LanguageTestSupport

@testable import Language

/// C definitions in programs: enums (their members are constants of the enum's type,
/// printed by name) and structs, unions and typedefs laid out as C does.
final class CDefinitionTests: XCTestCase {
    func testEnumeratorsCountOnFromTheLastValue() throws {
        let program = try parse("enum Foo { A, B = 10, C, D = -1, E, }; begin { }")
        XCTAssertEqual(program.enums.map(\.name), ["Foo"])
        XCTAssertEqual(program.enums[0].members.map(\.name), ["A", "B", "C", "D", "E"])
        XCTAssertEqual(program.enums[0].members.map(\.value), [0, 10, 11, -1, 0])
        XCTAssertEqual(try parse("enum { ONE = 1 } begin { }").enums[0].name, "", "an anonymous enum")
    }

    func testEnumeratorsAreTypedConstantsAndCastsNameTheType() {
        let foo = EnumType(name: "Foo", names: [1: "ONE", 2: "TWO"])
        XCTAssertEqual(typeOf("ONE", programPrefix: "enum Foo { ONE = 1, TWO } "), .enumeration(foo))
        XCTAssertEqual(typeOf("(enum Foo)2", programPrefix: "enum Foo { ONE = 1, TWO } "), .enumeration(foo))
        XCTAssertEqual(
            typeOf("ONE + 1", programPrefix: "enum Foo { ONE = 1, TWO } "), .s64, "arithmetic makes a plain number")
    }

    func testEnumErrors() {
        XCTAssertEqual(
            parseErrorMessage("enum Foo { A = x } begin { }", at: "x"), "expected an integer value for 'A'")
    }

    func layout(_ definitions: String, _ name: String, file: StaticString = #filePath, line: UInt = #line)
        -> CRecordLayout?
    {
        do {
            let program = try parse(definitions + " begin { }")
            let layouts = try CRecordLayout.layouts(
                of: program.records, typedefs: program.typedefs, catalogue: FakeCatalogue())
            return layouts[name]
        } catch {
            XCTFail("\(error)", file: file, line: line)
            return nil
        }
    }

    func offsets(_ record: CRecordLayout?) -> [String] { record?.members.map { "\($0.name)@\($0.offset)" } ?? [] }

    /// The sizes and offsets clang gives the same definitions on x86-64.
    func testStructsAreLaidOutAsC() {
        let padded = layout("struct S { char a; int b; char c; long d; short e; }", "struct S")
        XCTAssertEqual(offsets(padded), ["a@0", "b@4", "c@8", "d@16", "e@24"])
        XCTAssertEqual(padded?.size, 32)
        let packed = layout("struct P { char a; int b; char c; } __attribute__((packed))", "struct P")
        XCTAssertEqual(offsets(packed), ["a@0", "b@1", "c@5"])
        XCTAssertEqual(packed?.size, 6)
        let union = layout("union U { char a; long b; int c[3]; }", "union U")
        XCTAssertEqual(offsets(union), ["a@0", "b@0", "c@0"])
        XCTAssertEqual(union?.size, 16)
        let arrays = layout("struct A { int32_t a; int32_t b; char c[28] }", "struct A")
        XCTAssertEqual(arrays?.size, 36)
        XCTAssertEqual(arrays?.member(named: "c")?.kind, .charArray(length: 28))
    }

    func testNestedDefinitionsPointersAndTypedefs() {
        let text = "typedef unsigned long long u_ll; struct Foo { int x; struct Bar { char c; u_ll v; } bar; struct Foo *next; u_ll *p; }"
        let foo = layout(text, "struct Foo")
        XCTAssertEqual(offsets(foo), ["x@0", "bar@8", "next@24", "p@32"])
        XCTAssertEqual(foo?.size, 40)
        XCTAssertEqual(foo?.member(named: "bar")?.kind, .record(name: "struct Bar"))
        XCTAssertEqual(foo?.member(named: "next")?.kind, .pointer(pointee: "struct Foo"))
        XCTAssertEqual(layout(text, "struct Bar")?.size, 16, "the nested struct is defined too")
    }

    func testStructMembersAndSizeofInPrograms() throws {
        XCTAssertEqual(
            typeOf("sizeof(struct Foo)", programPrefix: "struct Foo { int x; char c; } "), .u64)
        let checked = try check("struct Foo { int x; long y; } begin { $p = (struct Foo *)0; @ = $p->y; }")
        XCTAssertEqual(checked.units.first?.members.values.map(\.offset), [8])
        XCTAssertEqual(
            semanticErrors("struct Foo { int x; } begin { $p = (struct Foo *)0; @ = $p->nope; }"),
            ["struct Foo has no member 'nope'"])
    }

    func testDefinitionErrors() {
        XCTAssertEqual(
            parseErrorMessage("struct S { int x : 3; } begin { }"), "bitfields are not supported in C definitions")
        do {
            let program = try parse("struct S { mystery_t x; } begin { }")
            XCTAssertThrowsError(
                try CRecordLayout.layouts(of: program.records, typedefs: [], catalogue: FakeCatalogue())
            ) { error in
                XCTAssertEqual(
                    (error as? Diagnostic)?.message,
                    "unknown type 'mystery_t' in struct S: define it first, or use a kernel type")
            }
        } catch { XCTFail("\(error)") }
    }
}
