import Foundation
import Kernel
import Session
import TestSupport
import XCTest

/// A process about to exit leaves the kernel's slow release of its links to a child, and a
/// shell's detach leaves it to threads (`BackgroundRelease`): either way the programs must
/// have stopped when the detach returns, as END and the final maps rely on.
final class BackgroundReleaseTests: XCTestCase {
    func liveSession() -> TracingSession {
        let kernel = Kernel.ProbeCatalogue()
        return TracingSession(
            backend: LinuxBackend(catalogue: kernel), catalogue: LiveCatalogue(kernel: kernel),
            options: TracingSession.Options(), write: { _ in })
    }

    func count(_ session: TracingSession, _ map: String) throws -> Int {
        try session.table(map).rows.reduce(0) { $0 + $1.count }
    }

    /// Waits (bounded) until `map` has counted something.
    func waitForCounts(_ session: TracingSession, _ map: String) throws {
        let deadline = Date().addingTimeInterval(30)
        while try count(session, map) == 0 && Date() < deadline { usleep(1_000) }
    }

    /// A session with two probes on one tracepoint and one on another, counting the calls of
    /// a getppid loop that is running.
    func countingSession(_ helper: GatedProcess) throws -> TracingSession {
        let session = liveSession()
        for (name, tracepoint) in [("a", "sys_enter_getppid"), ("b", "sys_enter_getppid"), ("c", "sys_exit_getppid")] {
            try session.define(
                name: name, text: "tracepoint:syscalls:\(tracepoint) /pid == \(helper.pid)/ { @\(name) = count(); }")
        }
        helper.start()
        for map in ["@a", "@b", "@c"] { try waitForCounts(session, map) }
        return session
    }

    func descriptors() throws -> Int { try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count }

    /// Detaches the three probes of a session counting a running getppid loop with `detach`
    /// and checks that no program ran once it returned. Returns the session (for the caller to
    /// close) and the descriptors it held before and right after the detach.
    func detachWhileCounting(
        _ detach: (TracingSession) -> Void, file: StaticString = #filePath, line: UInt = #line
    ) throws -> (session: TracingSession, before: Int, after: Int) {
        let calls = 5_000_000
        let helper = try GatedProcess.getppidLoop(calls)
        defer { helper.stop() }
        let session = try countingSession(helper)
        let before = try descriptors()
        detach(session)
        let after = try descriptors()
        let atDetach = try ["@a", "@b", "@c"].map { try count(session, $0) }
        XCTAssertEqual(helper.wait(seconds: 120), 0, "the getppid loop finished", file: file, line: line)
        let atEnd = try ["@a", "@b", "@c"].map { try count(session, $0) }

        XCTAssertTrue(
            atDetach.allSatisfy { $0 > 0 && $0 < calls }, "detached while the helper ran: \(atDetach)", file: file,
            line: line)
        XCTAssertEqual(atEnd, atDetach, "no program ran after the detach returned", file: file, line: line)
        XCTAssertTrue(session.probes.allSatisfy { $0.state == .detached }, file: file, line: line)
        return (session, before, after)
    }

    func testProgramsStopBeforeTheDetachReturns() throws {
        try KernelTestGate.require()
        let run = try detachWhileCounting { $0.detachAllLeavingRelease() }
        defer { run.session.close() }
        // The links and their perf events are the child's now: this process holds none.
        XCTAssertLessThanOrEqual(run.after, run.before - 6)
    }

    func testAShellDetachReturnsWithTheProgramsOffAndTheReleaseFollows() throws {
        try KernelTestGate.require()
        var links = 0
        let run = try detachWhileCounting { links = $0.detachAll().links }
        let session = run.session
        defer { session.close() }
        XCTAssertEqual(links, 3)
        // The links and their perf events are closed behind the prompt: the process ends up
        // holding none of them (bounded: the kernel's release takes ~70 ms per event).
        let deadline = Date().addingTimeInterval(30)
        while try descriptors() > run.before - 6 && Date() < deadline { usleep(10_000) }
        XCTAssertLessThanOrEqual(try descriptors(), run.before - 6)

        // Attached again, the probes count again: nothing of the old links is in the way.
        let again = try GatedProcess.getppidLoop(1_000)
        defer { again.stop() }
        try session.define(
            name: "d", text: "tracepoint:syscalls:sys_enter_getppid /pid == \(again.pid)/ { @d = count(); }")
        again.start()
        XCTAssertEqual(again.wait(seconds: 60), 0)
        XCTAssertEqual(try count(session, "@d"), 1_000)
    }
}
