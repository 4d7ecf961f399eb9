import XCTest

@testable import Language

/// Types as values of the language: `typeof`, `sizeof` and `offsetof` (compile-time
/// constants), types passed to macros, and sizes of tuples as bpftrace lays them out.
final class TypeExpressionTests: XCTestCase {
    /// The constants the one probe of `program` computes, in source order.
    func constants(_ program: String, file: StaticString = #filePath, line: UInt = #line) -> [UInt64] {
        guard let checked = try? check(program) else {
            XCTFail("does not check: \(semanticErrors(program))", file: file, line: line)
            return []
        }
        return checked.units[0].constants.sorted { $0.key < $1.key }.map(\.value)
    }

    func testTypeofParsesATypeOrAnExpression() {
        XCTAssertEqual(exprText("typeof(uint64 *)"), "(typeof uint64*)")
        XCTAssertEqual(exprText("typeof($x + 1)"), "(typeof typeof((+ $x 1)))")
        XCTAssertEqual(exprText("(typeof($a))300"), "(cast typeof($a) 300)")
        XCTAssertEqual(exprText("offsetof(struct Foo, a.b)"), "(offsetof struct Foo a.b)")
    }

    func testMacrosTakeTypesThroughTypeof() {
        XCTAssertEqual(
            constants(
                "struct Foo { char m; } macro sof(a, b) { sizeof(a[2]) + sizeof(b*) + sizeof(b) } "
                    + "begin { @ = sof(typeof(uint64*), typeof(struct Foo)); }"), [16, 8, 1])
        XCTAssertEqual(
            constants("macro m(t) { sizeof(t) } macro n(z) { m(typeof(z)) } begin { @ = n(typeof(uint32)); }"), [4])
        let cast = try? check("macro cst(a) { (a*)-1 } begin { @ = cst(typeof(uint8)); }")
        XCTAssertEqual(cast?.maps.first?.value, .plain(.pointer(pointee: "uint8")))
    }

    func testTypeofOfAnExpressionDeclaresAndCasts() throws {
        let checked = try check("begin { $a = (int16)1; let $b: typeof($a); $b = 2; @ = (typeof($a))70000; }")
        XCTAssertEqual(checked.maps.first?.value, .plain(.int(bytes: 2, signed: true)))
        XCTAssertEqual(
            semanticErrors("begin { @ = typeof(uint8); }"),
            ["typeof(...) is a type, not a value: use it in a cast, a declaration, sizeof() or as a macro's argument"])
    }

    func testOffsetofWalksNestedFields() {
        XCTAssertEqual(
            constants(
                "struct Foo { int x; struct Bar { char c; long y; } bar; } "
                    + "begin { @a = offsetof(struct Foo, x); @b = offsetof(struct Foo, bar.y); }"), [0, 16])
        XCTAssertEqual(
            semanticErrors("struct Foo { int x; } begin { @ = offsetof(struct Foo, y); }"),
            ["'struct Foo' has no field 'y'"])
    }

    func testSizeofOfTuplesFollowsCLayout() {
        XCTAssertEqual(
            constants(
                "begin { $t = ((int8)1, (int16)1, (int32)1); $u = ((int32)1, (int16)1, (int8)1); "
                    + "$v = ((int8)1, (int64)1, (int8)1, (int64)1); @ = sizeof($t) + sizeof($u) + sizeof($v); }"),
            [8, 8, 32])
    }

    func testComparisonsAreBoolAndATupleKeyIsTheKeyOfItsParts() throws {
        XCTAssertEqual(typeOf("{ $x = 1; $x > 1 }"), .bool)
        let checked = try check(
            "begin { @a[(int16)-1, ((int32)-2, 3)] = 10; $c = ((int8)-4, ((int16)-5, -6)); @a[$c] = 12; "
                + "@b[(1, 2)] = 1; @b[3, 4] = 2; delete(@b, (1, 2)); }")
        let keys = Dictionary(uniqueKeysWithValues: checked.maps.map { ($0.name, $0.keys) })
        XCTAssertEqual(keys["a"], [.int(bytes: 2, signed: true), .tuple([.int(bytes: 4, signed: true), .literal(1)])])
        XCTAssertEqual(keys["b"], [.literal(1), .literal(1)])
    }

    func testLiteralsTakeTheSmallestSignedTypeAndAStructIsReadThroughItsAddress() {
        XCTAssertEqual(typeOf("1"), .int(bytes: 1, signed: true))
        XCTAssertEqual(typeOf("-129"), .int(bytes: 2, signed: true))
        XCTAssertEqual(typeOf("70000"), .int(bytes: 4, signed: true))
        XCTAssertEqual(SType.int(bytes: 1, signed: true).widened(with: .int(bytes: 4, signed: false)), .s64)
        XCTAssertEqual(
            constants("struct Foo { int x; char c; } begin { $x = 1; @ = sizeof((*(struct Foo*)0).x) + sizeof($x); }"),
            [4, 1])
    }
}
