import XCTest

@testable import Language

/// tseries(): its fixed parameters become the map's aggregation; bad ones are refused with
/// bpftrace's words.
final class TimeSeriesFunctionTests: XCTestCase {
    func testParametersMakeTheMapsLayout() throws {
        let checked = try check(
            """
            BEGIN { @a = tseries(1, 100ms, 5); @b[comm, 1] = tseries(-1, 1s, 20, "max"); @c = tseries($1, 1ms, 1, "avg"); }
            """, options: .init(positionalParameters: ["7"]))
        let a = try XCTUnwrap(checked.map(named: "a"))
        XCTAssertEqual(
            a.value,
            .aggregation(
                .tseries(TimeSeriesSpec(intervalNanoseconds: 100_000_000, intervals: 5, reduction: .last)),
                signed: true))
        XCTAssertEqual(a.keySize, 16, "a keyless series: a zero key and the slot index")
        XCTAssertEqual(a.valueSize, 24, "value, meta, epoch")
        XCTAssertFalse(a.isArray)
        XCTAssertTrue(a.isPerCPU)
        let b = try XCTUnwrap(checked.map(named: "b"))
        XCTAssertEqual(
            b.value,
            .aggregation(
                .tseries(TimeSeriesSpec(intervalNanoseconds: 1_000_000_000, intervals: 20, reduction: .max)),
                signed: true))
        XCTAssertEqual(b.keySize, 16 + 8 + 8)
        let c = try XCTUnwrap(checked.map(named: "c"))
        XCTAssertEqual(
            c.value,
            .aggregation(
                .tseries(TimeSeriesSpec(intervalNanoseconds: 1_000_000, intervals: 1, reduction: .avg)), signed: true))
    }

    func testBadParametersAreRefused() {
        XCTAssertEqual(
            semanticErrors("BEGIN { @a = tseries(1, 0, 5); }", at: ["0"]), ["tseries() interval_ns must be >= 1 (0 provided)"])
        XCTAssertEqual(
            semanticErrors("BEGIN { @a = tseries(1, 1s, 0); }", at: ["0"]),
            ["tseries() num_intervals must be >= 1 (0 provided)"])
        XCTAssertEqual(
            semanticErrors("BEGIN { @a = tseries(1, 1s, 1000001); }", at: ["1000001"]),
            ["tseries() num_intervals must be < 1000000 (1000001 provided)"])
        XCTAssertEqual(
            semanticErrors("BEGIN { @a = tseries(1, 1s, 5, \"median\"); }", at: ["\"median\""]),
            ["tseries() expects one of the following aggregation functions: avg, max, min, sum (\"median\" provided)"])
        XCTAssertEqual(
            semanticErrors("BEGIN { $i = 5; @a = tseries(1, $i, 5); }", at: ["$i #2"]),
            ["argument 2 of tseries() must be an integer literal"])
        XCTAssertEqual(
            semanticErrors("BEGIN { @a = tseries(comm, 1s, 5); }", at: ["comm"]),
            ["argument 1 of tseries() must be an integer, not string[16]"])
        XCTAssertEqual(
            semanticErrors("BEGIN { @a = tseries(1, 1s); }", at: ["tseries(1, 1s)"]),
            ["tseries() takes 3 to 4 argument(s), 2 given"])
        XCTAssertEqual(
            semanticErrors("BEGIN { @a = tseries(1, 1s, 5); } END { @a = tseries(1, 1s, 5, \"sum\"); }", at: ["@a #2"]),
            ["@a is a tseries() map of 1s × 5; it cannot also be one of 1s × 5, sum"])
        XCTAssertEqual(
            semanticErrors("BEGIN { @a = tseries(1, 1s, 5); $x = @a; }", at: ["@a #2"]),
            ["@a holds tseries() data, which can only be printed"])
    }

    func testUnstableTseriesErrorRefusesIt() throws {
        XCTAssertEqual(
            semanticErrors("config = { unstable_tseries = error } BEGIN { @a = tseries(1, 1s, 5); }"),
            [
                "tseries feature is not enabled by default. To enable this unstable feature, set the config flag "
                    + "to enable. unstable_tseries=enable"
            ])
        XCTAssertNoThrow(try check("config = { unstable_tseries = enable } BEGIN { @a = tseries(1, 1s, 5); }"))
    }

    func testDescriptionNamesTheIntervalAsWritten() {
        XCTAssertEqual(TimeSeriesSpec(intervalNanoseconds: 100_000_000, intervals: 5, reduction: .last).description, "100ms × 5")
        XCTAssertEqual(TimeSeriesSpec(intervalNanoseconds: 1_500, intervals: 2, reduction: .min).description, "1500ns × 2, min")
        XCTAssertEqual(TimeSeriesSpec(intervalNanoseconds: 7_200_000_000_000, intervals: 1, reduction: .sum).description, "2h × 1, sum")
    }
}
