import Foundation
import Session
import TestSupport
import XCTest

@testable import Shell

/// Recordings keep the waits that were typed, mark the time spent between statements as idle,
/// and a replay with --max-wait shortens only the idle ones (on the fake kernel).
final class ReplayTimeTests: XCTestCase {
    func testTypedWaitsStayAndIdleTimeIsMarked() throws {
        let path = try temporaryDirectory() + "/rec.bpfsh"
        let fake = FakeShell()
        var now = Date(timeIntervalSince1970: 1000)
        let recorder = try SessionRecorder(
            path: path, force: false, header: "recorded", probesAttached: { !fake.shell.session.probes.isEmpty },
            clock: { now })
        fake.shell.listeners.append { _ = recorder.observe($0) }
        XCTAssertTrue(fake.shell.execute("a = tracepoint:sched:sched_switch { @s[comm] = count(); }"), fake.err)
        now += 320.94  // five minutes of reading
        // The typed wait: the clock stands still while it runs, as it is the recorder's clock.
        XCTAssertTrue(fake.shell.execute("wait 1ms"), fake.err)
        now += 0.5  // too short to be worth a wait
        XCTAssertTrue(fake.shell.execute("print @s"), fake.err)
        // A wait cut short by Ctrl-C is kept as the time it ran.
        _ = recorder.observe(.statementStarted("wait 10s", nested: false))
        now += 3.2
        _ = recorder.observe(.statementEnded("wait 10s", status: .interrupted, nested: false))
        XCTAssertEqual(
            try String(contentsOfFile: path, encoding: .utf8),
            """
            # recorded
            a = tracepoint:sched:sched_switch { @s[comm] = count(); }
            wait 320.9s  # idle
            wait 1ms
            print @s
            wait 3.2s  # wait 10s, cut short with Ctrl-C

            """)
    }

    func testMaxWaitCapsIdleWaitsOnly() throws {
        let directory = try temporaryDirectory()
        let path = directory + "/replay.bpfsh"
        try """
        a = tracepoint:sched:sched_switch { @s[comm] = count(); }
        wait 300s  # idle
        wait 40ms
        wait 200s    # time spent watching while recording
        print @s
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let fake = FakeShell()
        let started = Date()
        let outcome = ScriptRunner(maxWait: 0.01).run(path: path, in: fake.shell)
        XCTAssertTrue(outcome.succeeded, fake.err)
        XCTAssertEqual(
            fake.out.components(separatedBy: "\n").filter { $0.hasPrefix("idle wait") },
            ["idle wait of 300s cut to 10ms (--max-wait)", "idle wait of 200s cut to 10ms (--max-wait)"],
            "the marker of older recordings counts as idle too; the typed 40ms is not cut")
        XCTAssertLessThan(Date().timeIntervalSince(started), 30, "nowhere near the 500 s recorded")
        XCTAssertNil(fake.shell.maxIdleWait, "the cap ends with the replay")
    }

    func testSourceTakesMaxWaitAndTypedWaitsAreNeverCut() throws {
        let directory = try temporaryDirectory()
        let path = directory + "/replay.bpfsh"
        try "wait 100ms\nwait 250s  # idle\n".write(toFile: path, atomically: true, encoding: .utf8)
        let fake = FakeShell()
        XCTAssertTrue(fake.shell.execute("source \(path) --max-wait 1ms"), fake.err)
        XCTAssertEqual(fake.out, "idle wait of 250s cut to 1ms (--max-wait)\n")
        XCTAssertFalse(fake.shell.execute("source \(path) --max-wait"))
        XCTAssertTrue(fake.err.contains("usage: source FILE"), fake.err)
        // Without a replay cap, an idle wait in a typed statement is just a wait.
        fake.out = ""
        XCTAssertTrue(fake.shell.execute("wait 1ms  # idle"), fake.err)
        XCTAssertEqual(fake.out, "")
    }
}
