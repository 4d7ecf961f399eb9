import Foundation
import LanguageTestSupport
import Session
import TestSupport
import XCTest

@testable import Shell

/// Queries typed at the shell, over maps filled by hand in the fake kernel.
final class QueryShellTests: XCTestCase {
    var kernel: FakeKernel!
    var shell: Shell!
    var out = ""
    var err = ""
    var events: [ShellEvent] = []
    var directory = ""

    override func setUpWithError() throws {
        kernel = FakeKernel()
        let session = TracingSession(
            backend: kernel, catalogue: FakeCatalogue(),
            write: { [weak self] in
                self?.shell?.probeOutput($0)
            })
        shell = Shell(
            session: session, reader: ShellCommandTests.ScriptReader([]), output: { [unowned self] in out += $0 },
            errors: { [unowned self] in err += $0 })
        shell.listeners.append { [unowned self] in events.append($0) }
        XCTAssertTrue(shell.execute("r = tracepoint:sched:sched_switch { @c[pid, comm] = count(); }"), err)
        let map = try XCTUnwrap(kernel.maps.first { $0.spec.name == "@c" })
        func key(_ pid: UInt64, _ comm: String) -> [UInt8] {
            withUnsafeBytes(of: pid) { Array($0) } + Array(comm.utf8)
                + [UInt8](repeating: 0, count: 16 - comm.utf8.count)
        }
        func count(_ n: UInt64) -> [[UInt8]] { [withUnsafeBytes(of: n) { Array($0) }] }
        map.storage[key(10, "agentd")] = count(5)
        map.storage[key(11, "webworker")] = count(40)
        map.storage[key(12, "agentd")] = count(7)
        directory = NSTemporaryDirectory() + "bpfsh-query-\(getpid())-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        out = ""
        events = []
    }

    override func tearDown() {
        shell.shutdown()
        try? FileManager.default.removeItem(atPath: directory)
    }

    func testWhereGroupTopShowsATableTheNotebookGets() {
        XCTAssertTrue(shell.execute(#"@c | where key2 ~ "agent" | group by key2 | top 5"#), err)
        XCTAssertEqual(out, "key     @c\nagentd  12\n")
        let tables = events.compactMap { event -> String? in
            if case .table(let table) = event { return table.name }
            return nil
        }
        XCTAssertEqual(tables, ["@c"], "the notebook receives the result as a table")
    }

    func testTheCommandFormWithItsTableStartsAQuery() {
        XCTAssertTrue(shell.execute(#"where @c key2 == "webworker" | select key2, value * 10 as tenfold"#), err)
        XCTAssertEqual(out, "key        tenfold\nwebworker      400\n")
    }

    func testSaveAtTheEndWritesTheResult() throws {
        let path = directory + "/x.csv"
        XCTAssertTrue(shell.execute(#"@c | where key2 ~ "agentd" | top 1 | save \#(path)"#), err)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(text.contains("agentd"), text)
        XCTAssertFalse(text.contains("webworker"), text)
        XCTAssertEqual(text.split(separator: "\n").count, 2, text)
    }

    func testAsKeepsTheResultForLaterQueries() {
        XCTAssertTrue(shell.execute("@c | group by key2 as per_comm"), err)
        XCTAssertTrue(out.contains("per_comm kept (2 rows)"), out)
        out = ""
        XCTAssertTrue(shell.execute("per_comm | where value > 20"), err)
        XCTAssertEqual(out, "key        per_comm\nwebworker        40\n")
    }

    func testRateOfALiveMapUsesItsTime() {
        XCTAssertTrue(shell.execute("@c | rate | top 1"), err)
        // The map was created moments ago: 40 events in well under a second is more than 40/s.
        let number = out.split(separator: "\n").last.flatMap { $0.split(separator: " ").last }.flatMap { Int($0) }
        XCTAssertGreaterThan(number ?? 0, 40, out)
    }

    func testHistAsTheLastStage() {
        XCTAssertTrue(shell.execute(#"@c | where key2 == "agentd" | hist"#), err)
        XCTAssertTrue(out.contains("2 values"), out)
    }

    func testErrorsPointAtTheStage() {
        XCTAssertFalse(shell.execute("@c | top 3 by size"))
        XCTAssertTrue(err.contains("unknown column 'size': @c has key, key1, key2, value"), err)
        XCTAssertTrue(err.contains("\n  @c | top 3 by size\n                ^^^^"), err)
        err = ""
        XCTAssertFalse(shell.execute("@nope | top 3"))
        XCTAssertTrue(err.contains("\n  @nope | top 3\n  ^^^^^"), err)
    }

    func testOrAndProgramsAreNotPipes() {
        XCTAssertTrue(shell.execute(#"where @c key2 == "cron" || value > 30"#), err)
        XCTAssertEqual(out, "key1  key2       @c\n  11  webworker  40\n")
        XCTAssertTrue(shell.execute("s = tracepoint:sched:sched_switch { @f = 1 | 2; }"), err)
    }

    func testCompletionOffersStagesAndColumns() {
        var completer = Completer(
            source: ProviderTableShellTests.NoSource(), commands: [], probeNames: [], mapNames: ["c"])
        completer.columnNames = { [shell] in shell!.tables.columnNames($0) }
        XCTAssertEqual(completer.complete("@c | gr").insert, "oup ")
        XCTAssertEqual(completer.complete("@c | group by k").candidates, ["key", "key1", "key2"])
        XCTAssertEqual(completer.complete("@c | top 5 by va").insert, "lue ")
        XCTAssertEqual(completer.complete("@c | where key1 > 3 | sa").insert, "ve ")
        completer.keptTables = ["calls_series"]
        XCTAssertEqual(completer.complete("plot calls_s").insert, "eries ", "kept tables complete where a table goes")
        XCTAssertEqual(completer.complete("calls_s").insert, "eries ", "and start a query")
        completer.samplingSeries = ["live"]
        XCTAssertEqual(completer.complete("series stop l").insert, "ive ")
    }
}
