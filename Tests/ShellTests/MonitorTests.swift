import Foundation
import LanguageTestSupport
import Session
import Tables
import TestSupport
import XCTest

@testable import Shell

/// `monitor`: its screen as text from two readings, its keys, and one frame without a
/// terminal on the fake kernel. `MonitorTerminalTests` drives the real one in tmux.
final class MonitorTests: XCTestCase {
    let before = MonitorSample(
        time: 100,
        probes: [
            .init(name: "sys", attached: true, fired: 1000, runNanoseconds: 100_000, maps: ["@calls"]),
            .init(name: "sw", attached: true, fired: 50, runNanoseconds: 60_000, maps: ["@start"]),
        ],
        maps: [.init(name: "@calls", entries: 3, limit: 4096), .init(name: "@start", entries: 4096, limit: 4096)],
        lostEvents: 0)

    var now: MonitorSample {
        var now = before
        now.time = 102
        now.probes[0].fired = 97_000  // 48,000 a second at 100 ns each
        now.probes[0].timedRuns = 97_000
        now.probes[0].runNanoseconds = 9_700_000
        now.probes[1].fired = 250  // 100 a second at 1,200 ns each
        now.probes[1].timedRuns = 250
        now.probes[1].runNanoseconds = 300_000
        now.lostEvents = 12
        now.probes[1].lostEvents = 12
        return now
    }

    let calls = MapTable(
        name: "@calls",
        rows: [
            .init(key: [.string("dd")], cell: .count(90_000)), .init(key: [.string("bash")], cell: .count(12)),
            .init(key: [.string("cron")], cell: .count(700)),
        ])

    func testTheScreen() {
        var state = MonitorState()
        state.chosenMap = "@calls"
        state.message = "sys attached"
        let lines = MonitorScreen.render(
            now: now, before: before, table: calls, state: state, cpus: 2, width: 80, height: 18)
        XCTAssertEqual(
            lines.joined(separator: "\n"),
            """
            bpfsh monitor · every 1s · 2 CPUs · ring: 12 events lost · probes by fired/s

              probe  state     fired/s  ns/run  CPU %  fired  losses
            > sys    attached    48.0K     100  0.24%  97000  -
              sw     attached      100    1200  0.01%    250  12 events @start full

              map     entries  limit  fill
            > @calls        3   4096  0.07%
              @start     4096   4096  100% FULL

            @calls: top 3 of 3 by value
              key   @calls
              dd     90000
              cron     700
              bash      12

            q quit  p pause  s sort  ↑↓ probe  d detach  a attach  m/M map  c clear map
            sys attached
            """)
        XCTAssertEqual(lines.count, 18, "exactly the terminal's height, so a frame overwrites the last")
    }

    func testSortingSmallScreensAndNoEarlierReading() {
        var state = MonitorState()
        state.order = .cost
        let rows = MonitorScreen.probeRows(now, before, cpus: 2, order: .cost)
        XCTAssertEqual(rows.map(\.probe.name), ["sw", "sys"], "ns per run: 1200 before 100")
        XCTAssertEqual(MonitorScreen.probeRows(now, before, cpus: 2, order: .name).map(\.probe.name), ["sw", "sys"])
        let first = MonitorScreen.render(now: now, before: nil, table: nil, state: state, cpus: 2, width: 40, height: 8)
        XCTAssertEqual(first.count, 8)
        XCTAssertTrue(first.allSatisfy { $0.count <= 40 }, first.joined(separator: "\n"))
        XCTAssertTrue(first[3].contains("-"), "no rate before a second reading: \(first[3])")
    }

    func testKeys() {
        XCTAssertEqual(
            MonitorKey.parse(Array("qs\u{1B}[A\u{1B}OBd".utf8)),
            [
                .character("q"), .character("s"), .up, .down, .character("d"),
            ])
        XCTAssertEqual(MonitorAction(.character("q")), .quit)
        XCTAssertEqual(MonitorAction(.up), .previousProbe)
        XCTAssertEqual(MonitorAction(.character("M")), .previousMap)
        XCTAssertNil(MonitorAction(.character("z")))
        XCTAssertEqual(MonitorState.step(["a", "b", "c"], from: "c", by: 1), "a")
        XCTAssertEqual(MonitorState.step(["a", "b", "c"], from: "a", by: -1), "c")
        XCTAssertEqual(MonitorState.step(["a", "b"], from: nil, by: 1), "a")
    }

    func testWithoutATerminalOneFrameIsPrinted() throws {
        let fake = FakeShell()
        XCTAssertTrue(fake.shell.execute("r = tracepoint:sched:sched_switch { @c[comm] = count(); }"), fake.err)
        try fake.fill("@c", ["bash": 5, "sshd": 20])
        let program = try XCTUnwrap(fake.kernel.programs.first)
        // The program runs between the two readings, as a probe firing would.
        let map = try XCTUnwrap(fake.kernel.maps.first { $0.spec.name == "@c" })
        map.beforeRead = { _ in program.runs += 50 }
        fake.out = ""
        XCTAssertTrue(fake.shell.execute("monitor @c every 50ms"), fake.err)
        XCTAssertTrue(fake.out.hasPrefix("bpfsh monitor · every 50ms"), fake.out)
        XCTAssertNotNil(fake.out.range(of: #"> r\s+attached\s+\S+\s+100"#, options: .regularExpression), fake.out)
        XCTAssertTrue(fake.out.contains("@c: top 2 of 2 by value"), fake.out)
        XCTAssertFalse(fake.out.contains("q quit"), "no keys without a terminal")
        XCTAssertFalse(fake.shell.execute("monitor @nothing"))
        XCTAssertTrue(fake.err.contains("no map @nothing"), fake.err)
    }

    func testAQueryIsRunAfreshAndASeriesShowsTrends() throws {
        let fake = FakeShell()
        XCTAssertTrue(fake.shell.execute("r = tracepoint:sched:sched_switch { @c[comm] = count(); }"), fake.err)
        try fake.fill("@c", ["bash": 5, "sshd": 20])
        fake.out = ""
        XCTAssertTrue(fake.shell.execute(#"monitor @c | where key ~ "ssh" every 50ms"#), fake.err)
        XCTAssertTrue(fake.out.contains(#"@c | where key ~ "ssh": top 1 of 1 by value"#), fake.out)
        XCTAssertTrue(fake.out.contains("sshd"), fake.out)
        XCTAssertFalse(fake.out.contains("bash"), fake.out)
        XCTAssertTrue(fake.out.contains("  @c "), "no map is chosen while the query shows: \(fake.out)")

        XCTAssertTrue(fake.shell.execute("series @c every 20ms as live"), fake.err)
        // A delta needs two samples: the wait outlasts an interval, however loaded the machine.
        XCTAssertTrue(fake.shell.execute("wait 100ms"), fake.err)
        XCTAssertGreaterThanOrEqual(fake.shell.tables.saved["live"]?.series?.times.count ?? 0, 2)
        fake.out = ""
        XCTAssertTrue(fake.shell.execute("monitor live | delta every 60ms"), fake.err)
        XCTAssertTrue(fake.out.contains("live | delta: top 2 of 2 by last value"), fake.out)
        XCTAssertNotNil(fake.out.range(of: #"key\s+last\s+peak\s+trend"#, options: .regularExpression), fake.out)

        XCTAssertFalse(fake.shell.execute("monitor @c | hist"))
        XCTAssertTrue(fake.err.contains("monitor shows a table: 'hist'"), fake.err)
        fake.err = ""
        XCTAssertFalse(fake.shell.execute("monitor @c | top 5 by size"))
        XCTAssertTrue(fake.err.contains("unknown column 'size'"), fake.err)
        XCTAssertTrue(fake.err.contains("^^^^"), "the bad column is pointed at: \(fake.err)")
    }
}

/// The real `monitor` in a terminal (tmux): a probe's count rising, sorting, detaching a
/// probe with a key, and quitting back to an intact shell.
final class MonitorTerminalTests: XCTestCase {
    let session = "bpfsh-monitor-\(getpid())"

    func tmux(_ arguments: [String]) -> String { Spawn.run("/usr/bin/tmux", arguments).output }
    func type(_ text: String) { _ = tmux(["send-keys", "-t", session, "-l", text]) }
    func press(_ key: String) { _ = tmux(["send-keys", "-t", session, key]) }
    func screen() -> String { tmux(["capture-pane", "-t", session, "-p"]) }

    @discardableResult
    func waitFor(
        _ pattern: String, seconds: Double = 10, file: StaticString = #filePath, line: UInt = #line
    )
        -> String
    {
        let deadline = Date().addingTimeInterval(seconds)
        var shown = ""
        while Date() < deadline {
            shown = screen()
            if shown.range(of: pattern, options: .regularExpression) != nil { return shown }
            usleep(50_000)
        }
        XCTFail("the screen never showed /\(pattern)/:\n\(shown)", file: file, line: line)
        return shown
    }

    /// The `fired` column of a probe's row on the monitor's screen.
    func fired(_ probe: String, in shown: String) -> UInt64? {
        for line in shown.split(separator: "\n") {
            let words = line.split(separator: " ").map(String.init).filter { $0 != ">" }
            if words.first == probe, words.count >= 6 { return UInt64(words[5]) }
        }
        return nil
    }

    override func tearDown() { _ = tmux(["kill-session", "-t", session]) }

    func testMonitorShowsCountsRisingSortsDetachesAndQuits() throws {
        try KernelTestGate.require()
        try KernelTestGate.require(
            FileManager.default.fileExists(atPath: "/usr/bin/tmux"), "tmux is not installed (scripts/setup installs it)"
        )
        _ = Spawn.run(
            "/usr/bin/tmux",
            [
                "new-session", "-d", "-s", session, "-x", "120", "-y", "40",
                "env BPFSH_HISTORY=/dev/null \(KernelTestGate.executable.path)",
            ])
        waitFor("bpfsh>")
        type("sys = tracepoint:raw_syscalls:sys_enter { @calls[comm] = count(); }")
        press("Enter")
        waitFor("sys attached")
        type("sw = tracepoint:sched:sched_switch { @switches[args.next_comm] = count(); }")
        press("Enter")
        waitFor("sw attached")
        type("monitor @calls every 200ms")
        press("Enter")
        var shown = waitFor("bpfsh monitor · every 200ms")
        waitFor(#"@calls: top \d+ of \d+ by value"#)
        shown = waitFor(#"sys\s+attached\s+[0-9.]+K?\s+\d+"#)
        let first = try XCTUnwrap(fired("sys", in: shown), shown)
        // Redrawn in place: the count rises on the same screen.
        let deadline = Date().addingTimeInterval(10)
        var later = first
        while later <= first && Date() < deadline {
            usleep(250_000)
            later = fired("sys", in: screen()) ?? first
        }
        XCTAssertGreaterThan(later, first, "sys's fired count rises while the monitor is open")
        XCTAssertEqual(screen().components(separatedBy: "bpfsh monitor").count, 2, "one frame, redrawn in place")

        press("s")
        waitFor("probes by ns/run")
        // Select sys (wherever the order put it) and detach it with a key.
        for _ in 0..<2 {
            if screen().range(of: #"> sys\s"#, options: .regularExpression) != nil { break }
            press("Down")
            usleep(200_000)
        }
        waitFor(#"> sys\s"#)
        press("d")
        waitFor("sys detached")
        waitFor(#"> sys\s+detached"#)
        press("q")
        waitFor("bpfsh> ")
        type("probes")
        press("Enter")
        shown = waitFor(#"sw\s+attached"#)
        XCTAssertNotNil(shown.range(of: #"sys\s+detached"#, options: .regularExpression), shown)
        XCTAssertFalse(shown.contains("q quit"), "the monitor's screen is gone: \(shown)")
    }
}
