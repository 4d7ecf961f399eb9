import Language
import Session
import Tables
import XCTest

/// Struct values (`SType.structure`) are the struct's bytes in C's layout: each member is
/// decoded at its offset, no further than its own size, and printed as bpftrace prints them.
final class StructDecodingTests: XCTestCase {
    let decoder = ValueDecoder(symbolizer: FakeSymbolizer())

    /// `struct Foo { int m; int n; }`, bpftrace's simple_struct.
    let foo = CStructType(
        name: "struct Foo", size: 8,
        fields: [
            .init(name: "m", offset: 0, type: .int(bytes: 4, signed: true)),
            .init(name: "n", offset: 4, type: .int(bytes: 4, signed: true)),
        ])

    func testMembersAreReadAtTheirOffsetsAndNoWider() {
        // n is -1 in four bytes: read wider it would take the next struct's bytes with it.
        let raw = bytes(Int32(2)) + bytes(Int32(-1))
        let value = decoder.decode(.structure(foo), raw[...])
        XCTAssertEqual(value, .record(names: ["m", "n"], values: [.int(2), .int(-1)]))
        XCTAssertEqual(BpftraceTextRenderer.text(of: value), "{ .m = 2, .n = -1 }")
        XCTAssertEqual(JSONRenderer.value(value), "{\"type\": \"value\", \"data\": {\"m\": 2, \"n\": -1}}\n")
    }

    func testCharArraysPointersNestedStructsAndArrays() {
        // struct task { char comm[6]; u16 flags; struct Foo *next; struct Foo foo; u8 bits[3]; }
        let type = CStructType(
            name: "struct task", size: 32,
            fields: [
                .init(name: "comm", offset: 0, type: .string(size: 6)),
                .init(name: "flags", offset: 6, type: .int(bytes: 2, signed: false)),
                .init(name: "next", offset: 8, type: .pointer(pointee: "struct Foo")),
                .init(name: "foo", offset: 16, type: .structure(foo)),
                .init(name: "bits", offset: 24, type: .array(element: .int(bytes: 1, signed: false), count: 3)),
            ])
        let raw =
            padded("bash", 6) + bytes(UInt16(0x8001)) + bytes(UInt64(0xffff_8881_0000_1000))
            + bytes(Int32(7)) + bytes(Int32(8)) + [1, 2, 3, 0, 0, 0, 0, 0]
        let value = decoder.decode(.structure(type), raw[...])
        XCTAssertEqual(
            BpftraceTextRenderer.text(of: value),
            "{ .comm = bash, .flags = 32769, .next = 0xffff888100001000, .foo = { .m = 7, .n = 8 }, .bits = [1,2,3] }")
        XCTAssertEqual(
            JSONRenderer.value(value),
            "{\"type\": \"value\", \"data\": {\"comm\": \"bash\", \"flags\": 32769, \"next\": 18446612686365003776, "
                + "\"foo\": {\"m\": 7, \"n\": 8}, \"bits\": [1,2,3]}}\n")
        XCTAssertEqual(SType.structure(type).storageSize, 32)
    }

    func testArraysOfStructsUnionsAndMembersBpftraceCannotShow() {
        // union N { int i; float f; }; struct Foo2 { int m; union N n; struct Foo pair[2]; }
        let union = CStructType(
            name: "union N", size: 4,
            fields: [
                .init(name: "i", offset: 0, type: .int(bytes: 4, signed: true)),
                .init(name: "f", offset: 0, type: .void),
            ])
        let type = CStructType(
            name: "struct Foo2", size: 24,
            fields: [
                .init(name: "m", offset: 0, type: .int(bytes: 4, signed: true)),
                .init(name: "n", offset: 4, type: .structure(union)),
                .init(name: "pair", offset: 8, type: .array(element: .structure(foo), count: 2)),
            ])
        let raw = [2, 5, 1, 2, 3, 4].flatMap { bytes(Int32($0)) }
        let value = decoder.decode(.structure(type), raw[...])
        XCTAssertEqual(
            BpftraceTextRenderer.text(of: value),
            "{ .m = 2, .n = { .i = 5, .f = null }, .pair = [{ .m = 1, .n = 2 },{ .m = 3, .n = 4 }] }")
        XCTAssertEqual(
            JSONRenderer.value(value),
            "{\"type\": \"value\", \"data\": {\"m\": 2, \"n\": {\"i\": 5, \"f\": null}, "
                + "\"pair\": [{\"m\": 1, \"n\": 2},{\"m\": 3, \"n\": 4}]}}\n")
    }

    func testBitfieldsAreShiftedMaskedAndSignExtended() {
        // struct B { unsigned int a:4, b:8; int c:3; }: 0x5021 holds a = 1, b = 2, c = 5 (-3).
        func field(_ name: String, bit: Int, width: Int, signed: Bool) -> CStructType.Field {
            let (offset, bitfield) = Bitfield.at(bitOffset: bit, width: width)!
            return .init(name: name, offset: offset, type: .int(bytes: 4, signed: signed), bitfield: bitfield)
        }
        let type = CStructType(
            name: "struct B", size: 4,
            fields: [
                field("a", bit: 0, width: 4, signed: false), field("b", bit: 4, width: 8, signed: false),
                field("c", bit: 12, width: 3, signed: true),
            ])
        let value = decoder.decode(.structure(type), bytes(UInt32(0x5021))[...])
        XCTAssertEqual(BpftraceTextRenderer.text(of: value), "{ .a = 1, .b = 2, .c = -3 }")
    }

    func testAnEmptyStructPrintsAsBpftraceDoes() {
        let value = decoder.decode(.structure(CStructType(name: "struct E", size: 0, fields: [])), [][...])
        XCTAssertEqual(BpftraceTextRenderer.text(of: value), "{}")
    }

    func testStructValuesInMapsAndTuples() {
        let value = decoder.decode(.structure(foo), (bytes(Int32(2)) + bytes(Int32(3)))[...])
        let table = MapTable(name: "@", rows: [MapTable.Row(key: [], cell: .value(.tuple([.int(0), value])))])
        XCTAssertEqual(BpftraceTextRenderer.renderExit([table]), "\n\n@: (0, { .m = 2, .n = 3 })\n")
        XCTAssertEqual(
            JSONRenderer.render(table), "{\"type\": \"map\", \"data\": {\"@\": [0,{\"m\": 2, \"n\": 3}]}}\n")
    }
}
