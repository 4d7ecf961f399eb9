import Foundation
import Kernel
import Session
import TestSupport
import XCTest

/// A process about to exit leaves the kernel's slow release of its links to a child
/// (`BackgroundRelease`): the programs must still have stopped when the detach returns, as
/// END and the final maps rely on.
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

    func testProgramsStopBeforeTheDetachReturns() throws {
        try KernelTestGate.require()
        let calls = 5_000_000
        let helper = try GatedProcess.getppidLoop(calls)
        defer { helper.stop() }
        let session = liveSession()
        defer { session.close() }
        // Two probes on one tracepoint, one on another.
        for (name, tracepoint) in [("a", "sys_enter_getppid"), ("b", "sys_enter_getppid"), ("c", "sys_exit_getppid")] {
            try session.define(
                name: name, text: "tracepoint:syscalls:\(tracepoint) /pid == \(helper.pid)/ { @\(name) = count(); }")
        }
        helper.start()
        for map in ["@a", "@b", "@c"] { try waitForCounts(session, map) }

        let descriptorsBefore = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count
        session.detachAllLeavingRelease()
        let descriptorsAfter = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count
        let atDetach = try ["@a", "@b", "@c"].map { try count(session, $0) }
        XCTAssertEqual(helper.wait(seconds: 120), 0, "the getppid loop finished")
        let atEnd = try ["@a", "@b", "@c"].map { try count(session, $0) }

        XCTAssertTrue(atDetach.allSatisfy { $0 > 0 && $0 < calls }, "detached while the helper ran: \(atDetach)")
        XCTAssertEqual(atEnd, atDetach, "no program ran after the detach returned")
        XCTAssertTrue(session.probes.allSatisfy { $0.state == .detached })
        // The links and their perf events are the child's now: this process holds none.
        XCTAssertLessThanOrEqual(descriptorsAfter, descriptorsBefore - 6)
    }
}
