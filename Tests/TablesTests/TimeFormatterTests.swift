import Tables
import XCTest

final class TimeFormatterTests: XCTestCase {
    func testFormatsAGivenInstantInUTC() {
        XCTAssertEqual(
            TimeFormatter.format("%Y-%m-%d %H:%M:%S", secondsSinceEpoch: 0, utc: true), "1970-01-01 00:00:00")
        XCTAssertEqual(TimeFormatter.format(secondsSinceEpoch: 86_399, utc: true), "23:59:59\n")
        XCTAssertEqual(TimeFormatter.format("%s", secondsSinceEpoch: 1_700_000_000, utc: true), "1700000000")
    }

    func testDefaultFormatIsBpftraces() throws {
        let now = try XCTUnwrap(TimeFormatter.format())
        let shape = now.map { $0.isNumber ? "9" : $0 }
        XCTAssertEqual(String(shape), "99:99:99\n", now.debugDescription)
    }

    /// bpftrace prints nothing (and logs an error) when `strftime` fills no byte or needs
    /// more than its 64-byte buffer.
    func testEmptyOrOverlongResultsAreNil() {
        XCTAssertNil(TimeFormatter.format("", secondsSinceEpoch: 0, utc: true))
        XCTAssertNil(TimeFormatter.format(String(repeating: "x", count: 64), secondsSinceEpoch: 0, utc: true))
        XCTAssertEqual(
            TimeFormatter.format(String(repeating: "x", count: 63), secondsSinceEpoch: 0, utc: true)?.count, 63)
    }
}
