import Foundation
import LanguageTestSupport
import Session
import TestSupport
import XCTest

@testable import Shell

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// `series`, `plot` and `heatmap` typed at the shell, over maps in the fake kernel that grow
/// at every read as a probe's would.
final class SeriesShellTests: XCTestCase {
    var kernel: FakeKernel!
    var shell: Shell!
    var out = ""
    var err = ""
    var directory = ""

    override func setUpWithError() throws {
        kernel = FakeKernel()
        let session = TracingSession(backend: kernel, catalogue: FakeCatalogue(), write: { _ in })
        shell = Shell(
            session: session, reader: ShellCommandTests.ScriptReader([]), output: { [unowned self] in out += $0 },
            errors: { [unowned self] in err += $0 })
        directory = NSTemporaryDirectory() + "bpfsh-series-\(getpid())-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        shell.shutdown()
        try? FileManager.default.removeItem(atPath: directory)
    }

    static func comm(_ s: String) -> [UInt8] { Array(s.utf8) + [UInt8](repeating: 0, count: 16 - s.utf8.count) }
    static func word(_ n: UInt64) -> [UInt8] { withUnsafeBytes(of: n) { Array($0) } }

    /// `@c[comm] = count()`: bash gains 10 at every read, sshd stays at 3.
    func countingMap() throws {
        XCTAssertTrue(shell.execute("r = tracepoint:sched:sched_switch { @c[comm] = count(); }"), err)
        let map = try XCTUnwrap(kernel.maps.first { $0.spec.name == "@c" })
        map.storage[Self.comm("sshd")] = [Self.word(3)]
        var bash: UInt64 = 0
        map.beforeRead = { map in
            bash += 10
            map.storage[Self.comm("bash")] = [Self.word(bash)]
        }
        out = ""
    }

    func testSeriesKeepsEverySampleWithItsTime() throws {
        try countingMap()
        XCTAssertTrue(shell.execute("series @c every 20ms for 60ms as c_t"), err)
        XCTAssertTrue(out.hasPrefix("c_t kept: 4 samples of @c every 20ms over "), out)
        let series = try XCTUnwrap(shell.tables.saved["c_t"])
        XCTAssertEqual(series.keyNames, ["time_ms", "key"])
        XCTAssertEqual(series.series?.times.count, 4)
        XCTAssertEqual(series.series?.times.first, 0)
        let times = series.series?.times ?? []
        XCTAssertEqual(times, times.sorted(), "samples in time order")
        out = ""
        XCTAssertTrue(shell.execute("c_t | delta | top 5"), err)
        XCTAssertEqual(out, "key   last  peak  trend\nbash    10    10  ███\nsshd     0     0  ▁▁▁\n")
        out = ""
        XCTAssertTrue(shell.execute("top c_t 1"), err)
        XCTAssertEqual(out, "key   last  peak  trend\nbash    40    40  ▃▅▆█\n")
    }

    func testPlotInTheTerminalAndAsSVG() throws {
        try countingMap()
        XCTAssertTrue(shell.execute("series @c every 20ms for 40ms as c_t"), err)
        out = ""
        XCTAssertTrue(shell.execute("c_t | delta | plot"), err)
        XCTAssertTrue(out.hasPrefix("c_t: @c change per sample, every 20ms\n"), out)
        XCTAssertTrue(out.contains("* bash   + sshd"), out)
        let path = directory + "/c.svg"
        XCTAssertTrue(shell.execute("plot c_t > \(path)"), err)
        let svg = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(XMLParser(data: Data(svg.utf8)).parse())
        XCTAssertEqual(svg.components(separatedBy: "<polyline").count - 1, 2)
        out = ""
        XCTAssertTrue(shell.execute("c_t | group by time_ms | rate | plot"), err)
        XCTAssertTrue(out.hasPrefix("c_t: @c per second, every 20ms\n"), out)
        XCTAssertTrue(out.contains("* @c\n"), "every key together: one line named after the map: \(out)")
        XCTAssertFalse(shell.execute("plot @c"))
        XCTAssertTrue(err.contains("@c is not a series"), err)
    }

    func testHeatmapSamplesAHistogramMapAndDrawsIt() throws {
        XCTAssertTrue(shell.execute("h = tracepoint:sched:sched_switch { @lat = hist(1); }"), err)
        let map = try XCTUnwrap(kernel.maps.first { $0.spec.name == "@lat" })
        var reads: UInt64 = 0
        // Every read adds one value to bucket [4, 8) and, from the third read on, one to [1K, 2K).
        map.beforeRead = { map in
            reads += 1
            map.storage[Self.word(4)] = [Self.word(reads)]
            if reads >= 3 { map.storage[Self.word(12)] = [Self.word(reads - 2)] }
        }
        let path = directory + "/lat.svg"
        XCTAssertTrue(shell.execute("heatmap @lat every 20ms for 60ms as lat_t > \(path)"), err)
        XCTAssertTrue(out.contains("lat_t kept: 4 samples"), out)
        XCTAssertTrue(out.contains("wrote \(path) (heat map, 3 intervals × 9 buckets)"), out)
        let svg = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(XMLParser(data: Data(svg.utf8)).parse())
        out = ""
        XCTAssertTrue(shell.execute("heatmap lat_t"), err)
        // Three intervals, each three characters wide.
        XCTAssertTrue(out.contains("[4, 8)     │█████████\n"), out)
        XCTAssertTrue(out.contains("[1K, 2K)   │   ██████\n"), out)
        XCTAssertFalse(shell.execute("heatmap @lat"))
        XCTAssertTrue(err.contains("@lat is not a series"), err)
    }

    func testASeriesWithoutForSamplesInTheBackgroundUntilStopped() throws {
        try countingMap()
        XCTAssertTrue(shell.execute("series @c every 20ms as live"), err)
        XCTAssertEqual(
            out,
            "live: sampling @c every 20ms in the background (series stop live ends it; top live shows the trends)\n")
        XCTAssertEqual(shell.tables.saved["live"]?.series?.times.count, 1, "the first sample at once")
        // Samples are taken while the shell waits (and between keystrokes at the prompt).
        XCTAssertTrue(shell.execute("wait 100ms"), err)
        let taken = shell.tables.saved["live"]?.series?.times.count ?? 0
        XCTAssertGreaterThanOrEqual(taken, 3, "sampled during the wait")
        XCTAssertLessThanOrEqual(taken, 7, "at most one sample per interval")
        out = ""
        XCTAssertTrue(shell.execute("series"), err)
        XCTAssertTrue(out.hasPrefix("series  of  every  samples\nlive    @c  20ms"), out)
        out = ""
        XCTAssertTrue(shell.execute("tables"), err)
        XCTAssertNotNil(
            out.range(of: #"live\s+\d+\s+series of @c: \d+ samples every 20ms, sampling"#, options: .regularExpression),
            out)
        out = ""
        XCTAssertTrue(shell.execute("series stop live"), err)
        XCTAssertTrue(out.hasPrefix("live kept: "), out)
        let stopped = shell.tables.saved["live"]?.series?.times.count
        XCTAssertTrue(shell.execute("wait 60ms"), err)
        XCTAssertEqual(shell.tables.saved["live"]?.series?.times.count, stopped, "no samples after stop")
        XCTAssertFalse(shell.execute("series stop live"))
        XCTAssertTrue(err.contains("no series live is sampling"), err)
    }

    func testABackgroundSeriesStopsWhenItsNameIsTakenByAnotherTable() throws {
        try countingMap()
        XCTAssertTrue(shell.execute("series @c every 10ms as live"), err)
        XCTAssertTrue(shell.execute("snapshot @c as live"), err)
        XCTAssertTrue(shell.execute("wait 40ms"), err)
        XCTAssertTrue(shell.backgroundSeries.isEmpty)
        XCTAssertNil(shell.tables.saved["live"]?.series, "the snapshot stays what it is")
    }

    func testMistakesAreExplained() throws {
        try countingMap()
        XCTAssertFalse(shell.execute("heatmap @c every 1s"))
        XCTAssertTrue(err.contains("give 'for DURATION'"), err)
        err = ""
        XCTAssertFalse(shell.execute("series @c every soon for 1s"))
        XCTAssertTrue(err.contains("'soon' is not a duration"), err)
        err = ""
        XCTAssertFalse(shell.execute("series @c every 2s for 1s"))
        XCTAssertTrue(err.contains("'for' is shorter than 'every'"), err)
        err = ""
        XCTAssertFalse(shell.execute("series @nothing every 10ms for 10ms"))
        XCTAssertFalse(err.isEmpty)
        err = ""
        XCTAssertTrue(shell.execute("snapshot @c as before"), err)
        XCTAssertFalse(shell.execute("series before every 10ms for 10ms"))
        XCTAssertTrue(err.contains("before is a kept table and does not change"), err)
        err = ""
        XCTAssertFalse(shell.execute("@c | delta"))
        XCTAssertTrue(err.contains("delta needs a series"), err)
        XCTAssertTrue(err.contains("     ^^^^^"), err)
    }
}
