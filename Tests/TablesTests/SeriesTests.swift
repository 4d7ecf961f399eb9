import Foundation
import XCTest

@testable import Tables

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Series (snapshots over time as one table), their changes, and the views drawn from them:
/// sparklines, the terminal chart, the SVG line chart and the latency heat map.
final class SeriesTests: XCTestCase {
    static let start = 1_700_000_000.0

    /// `@calls[comm] = count()` read at 0, 1, 2 and 3 s: bash grows steadily, cron appears
    /// at 2 s, sshd bursts between 1 and 2 s.
    static func calls() throws -> MapTable {
        let samples: [[(String, UInt64)]] = [
            [("bash", 10), ("sshd", 5)],
            [("bash", 20), ("sshd", 6)],
            [("bash", 30), ("sshd", 106), ("cron", 4)],
            [("bash", 40), ("sshd", 107), ("cron", 4)],
        ]
        var series = TableSeries.empty(name: "calls_t", source: "@calls", start: start, interval: 1)
        for (index, rows) in samples.enumerated() {
            let snapshot = Build.map("@calls", rows.map { Build.row([.string($0.0)], .count($0.1)) })
            series = try TableSeries.appending(snapshot, at: start + Double(index), to: series)
        }
        return series
    }

    /// `@lat = hist(us)` read every second: each interval adds values around its own latency.
    static func latency() throws -> MapTable {
        var all: [Int64] = []
        var series = TableSeries.empty(name: "lat_t", source: "@lat", start: start, interval: 1)
        let added: [[Int64]] = [[], [3, 5, 6, 100], [5, 6, 7, 300, 300, 600], [1000, 1100, 1200, 2000], [7]]
        for (index, values) in added.enumerated() {
            all += values
            let snapshot = Build.map("@lat", [Build.row([], Build.hist(all))])
            series = try TableSeries.appending(snapshot, at: start + Double(index), to: series)
        }
        return series
    }

    func value(_ table: MapTable, _ time: UInt64, _ key: String) -> Cell? {
        table.rows.first { $0.key == [.uint(time), .string(key)] }?.cell
    }

    // MARK: the series table

    func testASeriesIsOneTableWithATimeColumn() throws {
        let series = try Self.calls()
        XCTAssertEqual(series.keyNames, ["time_ms", "key"])
        XCTAssertEqual(series.series?.times, [0, 1000, 2000, 3000])
        XCTAssertEqual(series.rows.count, 10)
        XCTAssertEqual(TableColumn.names(of: series), ["time_ms", "key", "value"])
        XCTAssertEqual(TableColumn(name: "key", in: series), .keyPart(2))
        XCTAssertNil(TableColumn(name: "key1", in: series), "only the series' own names")
        XCTAssertEqual(
            ColumnTable.render(TableQuery.filter(series, try RowPredicate.parse("time_ms >= 3000", for: series).get())),
            "time_ms  key   calls_t\n   3000  bash       40\n   3000  sshd      107\n   3000  cron        4\n")
        XCTAssertThrowsError(try TableSeries.appending(series, at: Self.start, to: series))
    }

    func testALongSeriesKeepsItsLastSamples() throws {
        let window = TableSeries.keepingLast(2, of: try Self.calls())
        XCTAssertEqual(window.series?.times, [2000, 3000])
        XCTAssertEqual(Set(window.rows.map { $0.key[0] }), [.uint(2000), .uint(3000)])
        XCTAssertEqual(window.rows.count, 6)
        XCTAssertEqual(TableSeries.keepingLast(10, of: try Self.calls()), try Self.calls())
    }

    func testGroupingByTimeKeepsASeriesAndByKeyEndsIt() throws {
        let series = try Self.calls()
        let total = TableGroup.group(series, by: [.keyPart(1)], function: .sum)
        XCTAssertNotNil(total.series)
        XCTAssertEqual(total.keyNames, ["time_ms"])
        XCTAssertEqual(total.rows.map(\.cell), [.count(15), .count(26), .count(140), .count(151)])
        let selected = TableSelect.select(
            series,
            [
                .init(
                    expression: try ColumnExpression.parse("time_ms", offset: 0).get(), name: "time_ms",
                    isAliased: false),
                .init(expression: try ColumnExpression.parse("key", offset: 0).get(), name: "key", isAliased: false),
                .init(
                    expression: try ColumnExpression.parse("value * 2", offset: 0).get(), name: "twice", isAliased: true
                ),
            ],
            resolved: ["time_ms": .keyPart(1), "key": .keyPart(2), "value": .value])
        XCTAssertNotNil(selected.series, "time_ms still leads the keys")
        XCTAssertEqual(SeriesChart.of(selected)?.lines.first?.values, [10, 12, 212, 214], "sshd's doubled value")
        let perKey = TableGroup.group(series, by: [.keyPart(2)], function: .max)
        XCTAssertNil(perKey.series)
        XCTAssertEqual(perKey.keyNames, [], "key is the default name again")
    }

    // MARK: delta and rate

    func testDeltaIsTheChangeSinceTheSampleBefore() throws {
        let delta = try SeriesChange.delta(try Self.calls()).get()
        XCTAssertEqual(delta.series?.measure, .delta)
        XCTAssertEqual(delta.series?.valueTimes, [1000, 2000, 3000])
        XCTAssertEqual(value(delta, 1000, "bash"), .count(10))
        XCTAssertEqual(value(delta, 2000, "sshd"), .count(100))
        XCTAssertEqual(value(delta, 2000, "cron"), .count(4), "a new key counts from zero")
        XCTAssertEqual(value(delta, 3000, "cron"), .count(0))
        XCTAssertNil(value(delta, 0, "bash"), "the first sample has nothing before it")
        XCTAssertEqual(
            SeriesChange.delta(delta).map { _ in true },
            .failure(.alreadyChanged(stage: "delta", table: "calls_t", measure: .delta)))
        XCTAssertEqual(
            SeriesChange.delta(Build.map("@x", [])).map { _ in true }, .failure(.notSeries(stage: "delta", table: "@x"))
        )
    }

    func testACountThatShrankWasClearedAndCountsSince() {
        XCTAssertEqual(SeriesChange.difference(.count(3), .count(50)), .count(3))
        XCTAssertEqual(
            SeriesChange.difference(.avg(total: 30, count: 3), .avg(total: 10, count: 2)), .avg(total: 20, count: 1))
        XCTAssertEqual(SeriesChange.difference(.max(9), .max(4)), .max(9), "a max is not an amount")
        let before = Histogram(kind: .log2, buckets: [3: 2, 4: 1]),
            after = Histogram(kind: .log2, buckets: [3: 5, 4: 1])
        XCTAssertEqual(
            SeriesChange.difference(.histogram(after), .histogram(before)),
            .histogram(Histogram(kind: .log2, buckets: [3: 3])))
    }

    func testRateDividesEachChangeByItsOwnInterval() throws {
        var series = TableSeries.empty(name: "s", source: "@c", start: Self.start, interval: 0.5)
        for (time, count) in [(0.0, UInt64(0)), (0.5, 50), (1.5, 250)] {
            series = try TableSeries.appending(
                Build.map("@c", [Build.row([], .count(count))]), at: Self.start + time, to: series)
        }
        let rate = try SeriesChange.rate(series).get()
        XCTAssertEqual(rate.rows.map(\.cell), [.count(100), .count(200)])
        let ofDelta = try SeriesChange.rate(try SeriesChange.delta(series).get()).get()
        XCTAssertEqual(ofDelta.rows, rate.rows, "rate of a delta divides it")
        XCTAssertEqual(ofDelta.series?.measure, .rate)
    }

    func testDeltaAndRateAreQueryStagesWithCarets() throws {
        let calls = try Self.calls()
        let environment = QueryPipeline.Environment(table: { _ in calls }, keep: { _, _ in })
        let pipeline = try QueryPipeline.parse("calls_t | rate | where key == \"sshd\"").get()
        let rated = try pipeline.run(on: calls, environment: environment).get()
        XCTAssertEqual(rated.rows.map(\.cell), [.count(1), .count(100), .count(1)])
        let plain = Build.map("@files", [Build.row([.string("a")], .count(1))])
        guard
            case .failure(let error) = try QueryPipeline.parse("@files | delta").get().run(
                on: plain, environment: environment)
        else { return XCTFail("delta of a map that is not a series") }
        XCTAssertEqual(error.offset, 9)
        XCTAssertEqual(error.length, 5)
        XCTAssertTrue(error.message.contains("needs a series"), error.message)
    }

    // MARK: sparklines and top

    func testSparklines() {
        XCTAssertEqual(Sparkline.render([0, 1, 2, 3, 4, 5, 6, 7]), "▁▂▃▄▅▆▇█")
        XCTAssertEqual(Sparkline.render([0, 0, 0]), "▁▁▁", "nothing at all is a flat line at the bottom")
        XCTAssertEqual(Sparkline.render([100, 100, 50]), "██▅", "heights are shares of the largest, from zero")
        XCTAssertEqual(
            Sparkline.render([1, 9, 1, 1, 1, 1, 1, 1], width: 4), "█▂▂▂", "a short spike is not averaged away")
    }

    func testTopOfASeriesShowsEachKeysTrend() throws {
        let delta = try SeriesChange.delta(try Self.calls()).get()
        let top = SeriesSummary.top(delta, n: 2, by: nil, ascending: false)
        XCTAssertEqual(
            ColumnTable.render(top),
            """
            key   last  peak  trend
            bash    10    10  ███
            sshd     1   100  ▁█▁

            """)
        let byPeak = SeriesSummary.top(delta, n: 1, by: SeriesSummary.column("peak", of: delta), ascending: false)
        XCTAssertEqual(byPeak.rows.map(\.key), [[.string("sshd")]])
    }

    // MARK: charts

    func testTerminalChart() throws {
        let chart = try XCTUnwrap(SeriesChart.of(try SeriesChange.rate(try Self.calls()).get()))
        XCTAssertEqual(chart.lines.map(\.label), ["sshd", "bash", "cron"], "highest peak first")
        XCTAssertEqual(
            TerminalChart.render(chart, width: 21, height: 6),
            """
            calls_t: @calls per second, every 1s
            100 ┤         ***
                │       **   **
             50 ┤     **       **
                │   **           **
                │+**+++++++++++++++**+
              0 ┤*ooooooooooooooooooo*
                └─────────────────────
                 1s                 3s
                 * sshd   + bash   o cron

            """)
    }

    func testTerminalChartKeepsTheTopKeysAndSaysHowManyMore() throws {
        let chart = try XCTUnwrap(SeriesChart.of(try Self.calls(), maxLines: 1))
        XCTAssertEqual(chart.omitted, 2)
        XCTAssertTrue(TerminalChart.render(chart, width: 10, height: 3).contains("(2 more keys not drawn)"))
    }

    func testLineChartSVG() throws {
        let chart = try XCTUnwrap(SeriesChart.of(try SeriesChange.rate(try Self.calls()).get()))
        let svg = LineChartSVG.render(chart)
        try assertWellFormed(svg)
        try assertGolden(svg, "line-chart.svg")
        XCTAssertEqual(svg.components(separatedBy: "<polyline").count - 1, 3, "one line per key")
    }

    func testLabelsAreEscapedInSVG() throws {
        var series = TableSeries.empty(name: "s", source: "@c", start: Self.start, interval: 1)
        series = try TableSeries.appending(
            Build.map("@c", [Build.row([.string("<a&b>")], .count(1))]), at: Self.start, to: series)
        let svg = LineChartSVG.render(try XCTUnwrap(SeriesChart.of(series)))
        try assertWellFormed(svg)
        XCTAssertTrue(svg.contains("&lt;a&amp;b&gt;"))
    }

    // MARK: heat map

    func testHeatMapCountsEachIntervalsOwnValues() throws {
        let map = try HeatMap.of(try Self.latency()).get()
        XCTAssertEqual(map.times, [1, 2, 3, 4])
        XCTAssertEqual(map.buckets.first, Build.log2Index(3))
        XCTAssertEqual(map.buckets.last, Build.log2Index(2000))
        let row6 = map.buckets.firstIndex(of: Build.log2Index(6))!
        XCTAssertEqual(map.counts.map { $0[row6] }, [2, 3, 0, 1], "[4, 8) per interval")
        XCTAssertEqual(map.maxCount, 3)
        var logarithmic = map
        logarithmic.logScale = true
        XCTAssertEqual(map.shade(10, of: 1000), 0.01)
        XCTAssertEqual(logarithmic.shade(10, of: 1000), 0.347, accuracy: 0.001, "ln 11 / ln 1001")
        XCTAssertEqual(logarithmic.shade(0, of: 1000), 0)
        XCTAssertEqual(
            HeatMap.of(try Self.calls()).map(\.maxCount), .failure(.noHistograms("calls_t")))
        XCTAssertEqual(
            HeatMap.of(Build.map("@lat", [])).map(\.maxCount), .failure(.notSeries("@lat")))
    }

    func testHeatMapOfALinearHistogramAndAChartBelowZero() throws {
        var series = TableSeries.empty(name: "q", source: "@q", start: Self.start, interval: 1)
        for (index, values) in [[Int64](), [5, 15, 15], [25]].enumerated() {
            let cell = Build.lhist(values, min: 0, max: 30, step: 10)
            series = try TableSeries.appending(
                Build.map("@q", [Build.row([], cell)]), at: Self.start + Double(index), to: series)
        }
        let map = try HeatMap.of(series).get()
        XCTAssertEqual(map.buckets.map(map.label), ["[0, 10)", "[10, 20)", "[20, 30)"])
        XCTAssertEqual(map.counts, [[1, 2, 0], [0, 0, 1]])

        // A sum that fell: the value axis goes below zero and zero stays labelled.
        var sums = TableSeries.empty(name: "b", source: "@b", start: Self.start, interval: 1)
        for (index, total) in [Int64(0), 50, -50].enumerated() {
            sums = try TableSeries.appending(
                Build.map("@b", [Build.row([], .sum(total))]), at: Self.start + Double(index), to: sums)
        }
        let chart = try XCTUnwrap(SeriesChart.of(sums))
        XCTAssertEqual(chart.range.low, -50)
        let text = TerminalChart.render(chart, width: 10, height: 5)
        XCTAssertTrue(text.contains("-50 ┤"), text)
        XCTAssertTrue(text.contains("  0 ┤"), text)
        try assertWellFormed(LineChartSVG.render(chart))
    }

    func testHeatMapText() throws {
        XCTAssertEqual(
            HeatMapText.render(try HeatMap.of(try Self.latency()).get()),
            """
            lat_t: @lat heat map, every 1s
            [1K, 2K)   │      ███
            [512, 1K)  │   ▒▒▒▒▒▒
            [256, 512) │   ▓▓▓
            [128, 256) │
            [64, 128)  │▒▒▒
            [32, 64)   │
            [16, 32)   │
            [8, 16)    │
            [4, 8)     │▓▓▓███   ▒▒▒
            [2, 4)     │▒▒▒
                       └────────────
                        0s        4s
                        █ = 3 values per interval

            """)
    }

    func testHeatMapSVG() throws {
        let svg = HeatMapSVG.render(try HeatMap.of(try Self.latency()).get())
        try assertWellFormed(svg)
        try assertGolden(svg, "heat-map.svg")
        XCTAssertEqual(svg.components(separatedBy: "<title>").count - 1, 4 * 10, "a tooltip per cell")
    }

    // MARK: support

    func assertWellFormed(_ svg: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let parser = XMLParser(data: Data(svg.utf8))
        let ok = parser.parse()
        XCTAssertTrue(ok, "not well-formed XML: \(String(describing: parser.parserError))", file: file, line: line)
    }

    /// Compares with `Golden/NAME`; `BPFSH_UPDATE_GOLDEN=1` writes it instead.
    func assertGolden(_ text: String, _ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let path = URL(fileURLWithPath: "\(#filePath)").deletingLastPathComponent().appendingPathComponent(
            "Golden/\(name)")
        if ProcessInfo.processInfo.environment["BPFSH_UPDATE_GOLDEN"] == "1" {
            try text.write(to: path, atomically: true, encoding: .utf8)
            return
        }
        let golden = try String(contentsOf: path, encoding: .utf8)
        XCTAssertEqual(
            text, golden, "differs from Golden/\(name) (BPFSH_UPDATE_GOLDEN=1 rewrites it)", file: file, line: line)
    }
}
