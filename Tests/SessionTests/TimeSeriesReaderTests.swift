import Language
import Tables
import XCTest

@testable import Session

/// Reading tseries() maps: one entry per key and slot, each CPU's copy (value, meta, epoch)
/// combined as bpftrace combines them.
final class TimeSeriesReaderTests: XCTestCase {
    let reader = MapReader(decoder: ValueDecoder(symbolizer: FakeSymbolizer()))

    func slot(_ value: Int64, _ meta: UInt64, _ epoch: UInt64) -> [UInt8] {
        bytes(value) + bytes(meta) + bytes(epoch)
    }

    func info(_ reduction: TimeSeriesSpec.Reduction, keys: [SType] = []) -> MapInfo {
        MapInfo(
            name: "t", keys: keys,
            value: .aggregation(
                .tseries(TimeSeriesSpec(intervalNanoseconds: 1000, intervals: 4, reduction: reduction)), signed: true),
            range: .unknown)
    }

    func testEachReductionCombinesTheCPUsOfTheNewestEpoch() {
        // CPU 0 still holds epoch 6 in this slot; CPUs 1 and 2 wrote epoch 10.
        let copies = [slot(100, 1, 6), slot(-3, 2, 10), slot(8, 5, 10), slot(0, 0, 0)]
        func value(_ reduction: TimeSeriesSpec.Reduction) -> (UInt64, Int64) {
            let r = MapReader.reduce(copies, reduction, signed: true)
            return (r.epoch, Int64(bitPattern: r.value))
        }
        XCTAssertEqual(value(.last).1, 8, "the value recorded last (meta is its time)")
        XCTAssertEqual(value(.sum).1, 5)
        XCTAssertEqual(value(.min).1, -3)
        XCTAssertEqual(value(.max).1, 8)
        XCTAssertEqual(value(.avg).1, (-3 + 8) / (2 + 5), "totals over counts")
        XCTAssertEqual(value(.sum).0, 10)
        XCTAssertTrue(MapReader.reduce([slot(0, 0, 0)], .sum, signed: true) == (0, 0), "never written")
        // Unsigned values compare as unsigned.
        XCTAssertEqual(MapReader.reduce([slot(-1, 1, 3), slot(2, 1, 3)], .min, signed: false).value, 2)
    }

    func testSlotsOfAKeyBecomeOneSeries() {
        let key = { (name: String, slot: UInt64) in padded(name, 8) + bytes(slot) }
        let table = reader.table(
            info(.sum, keys: [.string(size: 8)]),
            entries: [
                (key: key("a", 1), values: [slot(4, 0, 9), slot(1, 0, 9)]),
                (key: key("b", 1), values: [slot(7, 0, 5), slot(0, 0, 0)]),
                (key: key("a", 2), values: [slot(6, 0, 10), slot(0, 0, 0)]),
            ])
        XCTAssertEqual(table.name, "@t")
        XCTAssertEqual(
            table.rows,
            [
                MapTable.Row(
                    key: [.string("a")],
                    cell: .timeSeries(TimeSeries(intervalNanoseconds: 1000, intervals: 4, points: [9: 5, 10: 6], signed: true))),
                MapTable.Row(
                    key: [.string("b")],
                    cell: .timeSeries(TimeSeries(intervalNanoseconds: 1000, intervals: 4, points: [5: 7], signed: true))),
            ])
        XCTAssertNil(reader.zeroCell(info(.last)), "an empty series prints nothing")
    }
}
