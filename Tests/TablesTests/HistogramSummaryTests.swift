import Tables
import XCTest

private typealias B = Build

final class HistogramSummaryTests: XCTestCase {
    func testUnitsComeFromTheMapName() {
        XCTAssertEqual(ValueUnit.inferred(fromName: "@usecs"), .microseconds)
        XCTAssertEqual(ValueUnit.inferred(fromName: "@offcpu_us"), .microseconds)
        XCTAssertEqual(ValueUnit.inferred(fromName: "@sh_usecs"), .microseconds)
        XCTAssertEqual(ValueUnit.inferred(fromName: "@ns"), .nanoseconds)
        XCTAssertEqual(ValueUnit.inferred(fromName: "@malloc_size"), .bytes)
        XCTAssertEqual(ValueUnit.inferred(fromName: "@bytes"), .bytes)
        XCTAssertNil(ValueUnit.inferred(fromName: "@calls"))
        XCTAssertNil(ValueUnit.inferred(fromName: "@status"), "a word ending in 'us' is not microseconds")
        XCTAssertEqual(ValueUnit.microseconds.describe(8_388_608), "8388608 µs (8.4 s)")
        XCTAssertEqual(ValueUnit.microseconds.describe(4096), "4096 µs (4.1 ms)")
        XCTAssertEqual(ValueUnit.microseconds.describe(128), "128 µs")
        XCTAssertEqual(ValueUnit.bytes.describe(67_108_864), "67108864 bytes (64 MiB)")
    }

    func testTheSummaryLineHasUnitsAndAnOutlierIsSaid() {
        guard case .histogram(let h) = B.hist(Array(repeating: 3000, count: 500) + [5_000_000]) else {
            return XCTFail()
        }
        XCTAssertEqual(
            HistogramSummary.line(h, unit: .microseconds),
            "  501 values · p50 < 4096 µs (4.1 ms) · p90 < 4096 µs (4.1 ms) · p99 < 4096 µs (4.1 ms) · "
                + "max < 8388608 µs (8.4 s)")
        XCTAssertEqual(
            HistogramSummary.outliers(h, unit: .microseconds),
            "  outlier: 1 value in [4.2 s, 8.4 s), at least 8× the p99 (< 4096 µs (4.1 ms)): few and far from "
                + "the rest, which the percentiles do not describe")
        XCTAssertEqual(HistogramSummary.line(h, unit: nil).hasSuffix("max < 8388608"), true)
        guard case .histogram(let tight) = B.hist([3000, 3500, 5000, 9000]) else { return XCTFail() }
        XCTAssertNil(HistogramSummary.outliers(tight, unit: .microseconds), "neighbouring buckets are no outliers")
    }

    func testShareIsTheWidthAFlameGraphGivesTheRows() {
        let stacks = B.map(
            "@s",
            [
                B.row([.stack(["iomap_dio_rw+14", "vfs_read+20"]), .string("dd")], .count(30)),
                B.row([.stack(["schedule+5", "vfs_read+20"]), .string("dd")], .count(10)),
            ])
        guard case .success(let predicate) = RowPredicate.parse("key1 ~ iomap_dio") else { return XCTFail() }
        let share = ValueShare.of(stacks, where: predicate)
        XCTAssertEqual(share.matching, 30)
        XCTAssertEqual(share.total, 40)
        XCTAssertEqual(share.percent, 75)
    }

    func testAStackColumnComesLastSoTheHeaderNeverWraps() {
        let long = String(repeating: "x", count: 200) + "+1"
        let stacks = B.map("@dd_stacks", [B.row([.stack([long, "vfs_read+20"]), .string("dd")], .count(9))])
        let first = ColumnTable.render(stacks).split(separator: "\n").first.map(String.init)
        XCTAssertEqual(first, "key2  @dd_stacks  key1")
    }
}
