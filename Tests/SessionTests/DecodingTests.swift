import Language
import Session
import Tables
import XCTest

final class ValueDecoderTests: XCTestCase {
    let decoder = ValueDecoder(symbolizer: FakeSymbolizer())

    func testIntegersKeepTheirSignAndWidth() {
        XCTAssertEqual(decoder.decode(.int(bytes: 8, signed: true), bytes(Int64(-5))[...]), .int(-5))
        XCTAssertEqual(decoder.decode(.int(bytes: 4, signed: true), bytes(Int64(0xFFFF_FFFF))[...]), .int(-1))
        XCTAssertEqual(decoder.decode(.int(bytes: 4, signed: false), bytes(UInt64(0x1_0000_0007))[...]), .uint(7))
        XCTAssertEqual(decoder.decode(.u64, bytes(UInt64.max)[...]), .uint(UInt64.max))
    }

    func testStringsStopAtTheFirstNul() {
        XCTAssertEqual(decoder.decode(.string(size: 16), padded("bash", 16)[...]), .string("bash"))
        XCTAssertEqual(decoder.decode(.string(size: 4), Array("abcdefgh".utf8)[...]), .string("abcd"))
    }

    func testTuplesUseTheUniformLayout() {
        let type = SType.tuple([.s64, .string(size: 5), .u64])
        let raw = bytes(Int64(-1)) + padded("hi", 8) + bytes(UInt64(9))
        XCTAssertEqual(decoder.decode(type, raw[...]), .tuple([.int(-1), .string("hi"), .uint(9)]))
    }

    func testStacksAndSymbolsGoThroughTheSymbolizer() {
        XCTAssertEqual(decoder.decode(.kstack(limit: 2), bytes(Int64(3))[...]), .stack(["k3_leaf", "k3_mid"]))
        XCTAssertEqual(
            decoder.decode(.kstack(limit: 1, mode: .raw), bytes(Int64(3))[...]), .stack(["raw k3_leaf"]),
            "the mode reaches the symbolizer")
        XCTAssertEqual(
            decoder.decode(.ustack(limit: 5), (bytes(Int64(4)) + bytes(Int64(77)))[...]), .stack(["u4@77", "main"]))
        XCTAssertEqual(decoder.decode(.ksym, bytes(UInt64(10))[...]), .symbol("ksym_10"))
        XCTAssertEqual(decoder.decode(.usym, (bytes(UInt64(11)) + bytes(UInt64(12)))[...]), .symbol("usym_11@12"))
    }

    func testInetAddresses() {
        let v4 = bytes(UInt64(2)) + [127, 0, 0, 1] + [UInt8](repeating: 0, count: 12)
        XCTAssertEqual(decoder.decode(.inet, v4[...]), .symbol("127.0.0.1"))
        let v6 = bytes(UInt64(10)) + [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [1]
        // As inet_ntop writes it, as bpftrace prints it: the run of zeros as `::`.
        XCTAssertEqual(decoder.decode(.inet, v6[...]), .symbol("2001:db8::1"))
    }
}

final class MapReaderTests: XCTestCase {
    let reader = MapReader(decoder: ValueDecoder(symbolizer: FakeSymbolizer()))

    func testCountsAreSummedOverCPUs() {
        let info = MapInfo(
            name: "calls", keys: [.string(size: 16)], value: .aggregation(.count, signed: false), range: .unknown)
        let table = reader.table(
            info,
            entries: [
                (key: padded("bash", 16), values: [bytes(UInt64(3)), bytes(UInt64(4))]),
                (key: padded("sshd", 16), values: [bytes(UInt64(0)), bytes(UInt64(1))]),
            ])
        XCTAssertEqual(table.name, "@calls")
        XCTAssertEqual(
            table.rows,
            [
                MapTable.Row(key: [.string("bash")], cell: .count(7)),
                MapTable.Row(key: [.string("sshd")], cell: .count(1)),
            ])
    }

    func testMinIgnoresCPUsThatNeverSawAValue() {
        let info = MapInfo(name: "m", keys: [], value: .aggregation(.min, signed: true), range: .unknown)
        // CPU 0 has no value (flag 0) and a zero that must not win; CPU 1 saw -3; CPU 2 saw 5.
        let table = reader.table(
            info,
            entries: [
                (
                    key: bytes(UInt64(0)),
                    values: [
                        bytes(Int64(0)) + bytes(UInt64(0)), bytes(Int64(-3)) + bytes(UInt64(1)),
                        bytes(Int64(5)) + bytes(UInt64(1)),
                    ]
                )
            ])
        XCTAssertEqual(table.rows.first?.cell, .min(-3))
    }

    func testAverageAndStatsCombineTotalsAndCounts() {
        let info = MapInfo(name: "a", keys: [], value: .aggregation(.avg, signed: false), range: .unknown)
        let table = reader.table(
            info,
            entries: [
                (
                    key: bytes(UInt64(0)),
                    values: [bytes(Int64(10)) + bytes(UInt64(2)), bytes(Int64(20)) + bytes(UInt64(3))]
                )
            ])
        XCTAssertEqual(table.rows.first?.cell, .avg(total: 30, count: 5))
    }

    func testHistogramBucketsAreGroupedByUserKey() {
        let info = MapInfo(name: "h", keys: [.s64], value: .aggregation(.hist, signed: false), range: .unknown)
        let table = reader.table(
            info,
            entries: [
                (key: bytes(Int64(1)) + bytes(UInt64(3)), values: [bytes(UInt64(2)), bytes(UInt64(1))]),
                (key: bytes(Int64(1)) + bytes(UInt64(5)), values: [bytes(UInt64(4)), bytes(UInt64(0))]),
                (key: bytes(Int64(2)) + bytes(UInt64(1)), values: [bytes(UInt64(1)), bytes(UInt64(0))]),
            ])
        XCTAssertEqual(
            table.rows,
            [
                MapTable.Row(key: [.int(1)], cell: .histogram(Histogram(kind: .log2, buckets: [3: 3, 5: 4]))),
                MapTable.Row(key: [.int(2)], cell: .histogram(Histogram(kind: .log2, buckets: [1: 1]))),
            ])
    }

    func testPlainValuesAreDecodedWithTheirType() {
        let info = MapInfo(name: "s", keys: [.u64], value: .plain(.string(size: 16)), range: .unknown)
        let table = reader.table(info, entries: [(key: bytes(UInt64(42)), values: [padded("cron", 16)])])
        XCTAssertEqual(table.rows, [MapTable.Row(key: [.uint(42)], cell: .value(.string("cron")))])
    }
}

final class EnumDecodingTests: XCTestCase {
    func testEnumValuesDecodeToTheirNames() {
        let decoder = ValueDecoder(symbolizer: FakeSymbolizer())
        let type = SType.enumeration(EnumType(name: "Foo", names: [1: "ONE"]))
        let one = decoder.decode(type, withUnsafeBytes(of: Int64(1)) { Array($0) }[...])
        XCTAssertEqual(one, .enumValue(1, name: "ONE"))
        XCTAssertEqual(BpftraceTextRenderer.text(of: one), "ONE")
        XCTAssertEqual(PrintfFormatter.format(try! PrintfFormat.parse("%d").conversions[0], one), "1")
        let other = decoder.decode(type, withUnsafeBytes(of: Int64(7)) { Array($0) }[...])
        XCTAssertEqual(BpftraceTextRenderer.text(of: other), "7")
    }
}

final class RecordDecodingTests: XCTestCase {
    func testRecordsPrintTheirFieldNames() {
        let decoder = ValueDecoder(symbolizer: FakeSymbolizer())
        let type = SType.record(names: ["a", "b"], types: [.s64, .tuple([.s64, .string(size: 8)])])
        let bytes = withUnsafeBytes(of: Int64(1)) { Array($0) } + withUnsafeBytes(of: Int64(2)) { Array($0) }
            + Array("hi".utf8) + [UInt8](repeating: 0, count: 6)
        XCTAssertEqual(BpftraceTextRenderer.text(of: decoder.decode(type, bytes[...])), "{ .a = 1, .b = (2, hi) }")
    }
}

/// Arrays are packed as C lays them out and print as bpftrace prints them.
final class ArrayDecodingTests: XCTestCase {
    let decoder = ValueDecoder(symbolizer: FakeSymbolizer())

    func testArraysArePackedAndNestedArraysPrintAsBpftraceDoes() {
        let matrix = SType.array(element: .array(element: .int(bytes: 2, signed: true), count: 2), count: 2)
        let raw: [UInt8] = [5, 0, 0xFF, 0xFF, 7, 0, 8, 0]
        let value = decoder.decode(matrix, raw[...])
        XCTAssertEqual(value, .array([.array([.int(5), .int(-1)]), .array([.int(7), .int(8)])]))
        let table = MapTable(
            name: "@x", rows: [MapTable.Row(key: [value, .int(42)], cell: .value(.tuple([.int(1), value])))])
        XCTAssertEqual(BpftraceTextRenderer.renderExit([table]), "\n\n@x[[[5,-1],[7,8]], 42]: (1, [[5,-1],[7,8]])\n")
        XCTAssertEqual(matrix.storageSize, 8)
        XCTAssertEqual(SType.tuple([.u64, .array(element: .int(bytes: 1, signed: false), count: 3)]).storageSize, 16)
    }
}
