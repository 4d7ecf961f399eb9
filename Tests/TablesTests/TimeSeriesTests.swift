import XCTest

@testable import Tables

/// tseries() charts against bpftrace's own expected output (tests/runtime/outputs, with the
/// local hour its runner fills in as 00, i.e. UTC).
final class TimeSeriesTests: XCTestCase {
    typealias B = Build
    static let ms100: UInt64 = 100_000_000

    static func series(_ points: [UInt64: Int64], intervals: UInt64, signed: Bool = true) -> TimeSeries {
        TimeSeries(
            intervalNanoseconds: ms100, intervals: intervals, points: points.mapValues { UInt64(bitPattern: $0) },
            signed: signed)
    }

    // bpftrace's tseries_zigzag.txt: @ = tseries(@c, 100ms, 20) with @c going -5..5..-4.
    func testZigzagAsBpftraceDrawsIt() {
        let values: [Int64] = [-5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 4, 3, 2, 1, 0, -1, -2, -3, -4]
        let points = Dictionary(uniqueKeysWithValues: values.enumerated().map { (UInt64($0.offset + 1), $0.element) })
        let s = Self.series(points, intervals: 20)
        let expected = """
                         -5                                                  5
            hh:mm:ss.ms  |___________________________________________________|
            00:00:00.100 *                         .                         | -5
            00:00:00.200 |    *                    .                         | -4
            00:00:00.300 |         *               .                         | -3
            00:00:00.400 |              *          .                         | -2
            00:00:00.500 |                   *     .                         | -1
            00:00:00.600 |                         *                         | 0
            00:00:00.700 |                         .    *                    | 1
            00:00:00.800 |                         .         *               | 2
            00:00:00.900 |                         .              *          | 3
            00:00:01.000 |                         .                   *     | 4
            00:00:01.100 |                         .                         * 5
            00:00:01.200 |                         .                   *     | 4
            00:00:01.300 |                         .              *          | 3
            00:00:01.400 |                         .         *               | 2
            00:00:01.500 |                         .    *                    | 1
            00:00:01.600 |                         *                         | 0
            00:00:01.700 |                   *     .                         | -1
            00:00:01.800 |              *          .                         | -2
            00:00:01.900 |         *               .                         | -3
            00:00:02.000 |    *                    .                         | -4
                         v___________________________________________________v
                         -5                                                  5

            """
        XCTAssertEqual(BpftraceTextRenderer.timeSeries(s, window: TimeSeries.window([s]), utc: true), expected)
    }

    // bpftrace's tseries_multiple.txt: @a["one"] over intervals 0-4 (0 is bpftrace's reading
    // of slots no CPU wrote), @a["two"] over 5-9, 10 intervals: both drawn over the map's span.
    func testKeysShareTheMapsSpan() {
        let one = Self.series([0: 0, 1: 5, 2: 5, 3: 5, 4: 5], intervals: 10)
        let two = Self.series([5: 4, 6: 4, 7: 4, 8: 4, 9: 4], intervals: 10)
        let window = TimeSeries.window([one, two])
        XCTAssertEqual(window?.first, 0)
        XCTAssertEqual(window?.last, 9)
        let first = BpftraceTextRenderer.timeSeries(one, window: window, utc: true)
        XCTAssertEqual(
            first,
            """
                         0                                                   5
            hh:mm:ss.ms  |___________________________________________________|
            00:00:00.000 *                                                   | 0
            00:00:00.100 |                                                   * 5
            00:00:00.200 |                                                   * 5
            00:00:00.300 |                                                   * 5
            00:00:00.400 |                                                   * 5
            00:00:00.500 |                                                   | -
            00:00:00.600 |                                                   | -
            00:00:00.700 |                                                   | -
            00:00:00.800 |                                                   | -
            00:00:00.900 |                                                   | -
                         v___________________________________________________v
                         0                                                   5

            """)
        let second = BpftraceTextRenderer.timeSeries(two, window: window, utc: true)
        XCTAssertTrue(second.hasPrefix("             3                                                   5\n"))
        XCTAssertTrue(second.contains("\n00:00:00.500 |                         *                         | 4\n"))
        XCTAssertFalse(second.contains("00:00:00.400"), "a key starts at its own oldest interval")

        let map = B.map("@a", [B.row([.string("two")], .timeSeries(two)), B.row([.string("one")], .timeSeries(one))])
        let text = BpftraceTextRenderer.render(map)
        XCTAssertTrue(text.hasPrefix("@a[one]:\n"), "keys in key order")
        XCTAssertTrue(text.contains("v\n             0                                                   5\n\n@a[two]:\n"))
        XCTAssertTrue(text.hasSuffix("                                                   5\n\n"))
    }

    func testFlatSeriesAndBounds() {
        // A flat unsigned series at 0 cannot go below it.
        let zero = Self.series([3: 0, 4: 0], intervals: 5, signed: false)
        let text = BpftraceTextRenderer.timeSeries(zero, window: TimeSeries.window([zero]), utc: true)
        XCTAssertTrue(text.hasPrefix("             0                                                   1\n"), text)
        XCTAssertTrue(text.contains("00:00:00.300 *                                                   | 0\n"), text)
        // Only the newest `intervals` intervals show.
        let long = Self.series([1: 1, 2: 2, 3: 3, 4: 4], intervals: 2)
        let shown = BpftraceTextRenderer.timeSeries(long, window: TimeSeries.window([long]), utc: true)
        XCTAssertFalse(shown.contains("00:00:00.200"))
        XCTAssertTrue(shown.contains("00:00:00.300 *"))
        XCTAssertTrue(shown.contains("00:00:00.400 |                                                   * 4"))
        // A single interval: no spacing between intervals to take the unit from, so ns.
        let single = Self.series([10: 2], intervals: 3)
        let one = BpftraceTextRenderer.timeSeries(single, window: TimeSeries.window([single]), utc: true)
        XCTAssertTrue(one.contains("hh:mm:ss.ns        |___"), one)
        XCTAssertTrue(one.contains("00:00:01.000000000 |                         *                         | 2\n"), one)
        // Nothing in the window (a zeroed map reads as interval 0 only).
        let zeroed = Self.series([0: 0], intervals: 5)
        XCTAssertEqual(BpftraceTextRenderer.timeSeries(zeroed, window: TimeSeries.window([zeroed])), "<no data>")
        XCTAssertEqual(
            BpftraceTextRenderer.render(B.map("@z", [B.row([], .timeSeries(zeroed))])), "@z:\n<no data>\n")
    }

    func testUnitsFollowTheInterval() {
        XCTAssertEqual(TimeSeriesText.Unit(interval: 2_000_000_000), .s)
        XCTAssertEqual(TimeSeriesText.Unit(interval: 1_000_000), .ms)
        XCTAssertEqual(TimeSeriesText.Unit(interval: 999_999), .us)
        XCTAssertEqual(TimeSeriesText.Unit(interval: 999), .ns)
        XCTAssertEqual(TimeSeriesText.timestamp(3_723_456_789_012, unit: .us, utc: true), "01:02:03.456789")
        XCTAssertEqual(TimeSeriesText.timestamp(3_723_456_789_012, unit: .s, utc: true), "01:02:03")
        XCTAssertEqual(TimeSeriesText.utcDateTime(500_000_000), "1970-01-01 00:00:00.500000000")
    }

    // bpftrace's tseries_multiple.json: intervals without a value are left out.
    func testJSONAsBpftraceWritesIt() {
        let one = Self.series([0: 0, 1: 5], intervals: 3)
        let two = Self.series([2: 4], intervals: 3)
        let map = B.map("@a", [B.row([.string("one")], .timeSeries(one)), B.row([.string("two")], .timeSeries(two))])
        XCTAssertEqual(
            JSONRenderer.render(map),
            "{\"type\": \"tseries\", \"data\": {\"@a\": {\"one\": ["
                + "{\"interval_start\":\"1970-01-01 00:00:00.000000000\",\"value\":0},"
                + "{\"interval_start\":\"1970-01-01 00:00:00.100000000\",\"value\":5}], \"two\": ["
                + "{\"interval_start\":\"1970-01-01 00:00:00.200000000\",\"value\":4}]}}}\n")
        let zeroed = B.map("@a", [B.row([], .timeSeries(Self.series([0: 0], intervals: 5)))])
        XCTAssertEqual(JSONRenderer.render(zeroed), "{\"type\": \"tseries\", \"data\": {\"@a\": []}}\n")
    }

    func testQueriesSeeTheNewestValue() {
        XCTAssertEqual(Self.series([1: 7, 3: -2], intervals: 5).latest, -2)
        XCTAssertNil(Self.series([:], intervals: 5).latest)
    }
}
