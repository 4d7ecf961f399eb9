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

    func bits(_ record: CRecordLayout?) -> [String] {
        record?.members.map { member in
            guard let b = member.bitfield else { return "\(member.name)@\(member.offset)" }
            return "\(member.name)@\(member.offset)+\(b.shift):\(b.width)/\(b.bytes)"
        } ?? []
    }

    /// Bitfields as gcc lays them out on x86-64 (each checked with a C program printing
    /// `sizeof` and the bytes a value leaves): packed into their type's units, a field that
    /// would cross a unit starting the next one, `: 0` closing the unit, named fields
    /// aligning the record, and packed records ignoring units.
    func testBitfieldsAreLaidOutAsC() {
        let foo = layout("struct Foo { unsigned int a:4, b:8, c:3, d:1, e:16; }", "struct Foo")
        XCTAssertEqual(bits(foo), ["a@0+0:4/1", "b@0+4:8/2", "c@1+4:3/1", "d@1+7:1/1", "e@2+0:16/2"])
        XCTAssertEqual(foo?.size, 4)
        XCTAssertEqual(foo?.member(named: "e")?.kind, .integer(signed: false))
        XCTAssertEqual(foo?.member(named: "e")?.size, 4, "typed as the declared unsigned int")

        let bar = layout("struct Bar { short a:4, b:8, c:3, d:1; int e:9, f:15, g:1, h:2, i:5 }", "struct Bar")
        XCTAssertEqual(
            bits(bar),
            ["a@0+0:4/1", "b@0+4:8/2", "c@1+4:3/1", "d@1+7:1/1", "e@2+0:9/2", "f@4+0:15/2", "g@5+7:1/1",
             "h@6+0:2/1", "i@6+2:5/1"])
        XCTAssertEqual(bar?.size, 8)
        XCTAssertEqual(bar?.member(named: "f")?.kind, .integer(signed: true))

        let mix = layout(
            "struct Mix { char c; unsigned int x:3; unsigned long long y:40; short z; int :0; char w:2; }", "struct Mix")
        XCTAssertEqual(bits(mix), ["c@0", "x@1+0:3/1", "y@1+3:40/6", "z@8", "w@12+0:2/1"])
        XCTAssertEqual(mix?.size, 16)

        let packed = layout(
            "struct P { char c; unsigned int x:12; unsigned long long y:33; } __attribute__((packed))", "struct P")
        XCTAssertEqual(bits(packed), ["c@0", "x@1+0:12/2", "y@2+4:33/5"])
        XCTAssertEqual(packed?.size, 7)

        let unnamed = layout("struct U { int a; int b:3; char :2; }", "struct U")
        XCTAssertEqual(bits(unnamed), ["a@0", "b@4+0:3/1"])
        XCTAssertEqual(unnamed?.size, 8)
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
            parseErrorMessage("struct S { int x : y; } begin { }"), "a bitfield needs a literal width of at most 64 bits")
        for (text, message) in [
            ("struct S { int x : 33; }", "bitfield 'x' of struct S is wider (33 bits) than its type 'int' (32 bits)"),
            ("struct S { char *p : 3; }", "bitfield 'p' of struct S needs an integer type, not 'char'"),
            ("struct S { int x : 0; }", "bitfield 'x' of struct S has zero width"),
        ] {
            do {
                let program = try parse(text + " begin { }")
                XCTAssertThrowsError(
                    try CRecordLayout.layouts(of: program.records, typedefs: [], catalogue: FakeCatalogue()), text
                ) { error in XCTAssertEqual((error as? Diagnostic)?.message, message) }
            } catch { XCTFail("\(text): \(error)") }
        }
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
