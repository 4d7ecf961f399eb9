import Codegen
import Language
import LanguageTestSupport
import Session
import TestSupport
import XCTest

/// `fired` comes from a per-CPU counter the probes keep themselves; the kernel's run
/// statistics, which time every BPF program on the machine, are on only when asked for.
final class FiredCountTests: XCTestCase {
    func key(_ slot: Int) -> [UInt8] { withUnsafeBytes(of: UInt32(slot).littleEndian) { Array($0) } }
    func value(_ count: UInt64) -> [UInt8] { withUnsafeBytes(of: count.littleEndian) { Array($0) } }

    func testEachProbeCountsItsRunsInItsOwnSlotOfOneSharedMap() throws {
        let kernel = FakeKernel()
        let session = TracingSession(backend: kernel, catalogue: FakeCatalogue(), write: { _ in })
        defer { session.close() }
        let a = try session.define(name: "a", text: "tracepoint:sched:sched_switch { @a = count(); }")
        let b = try session.define(name: "b", text: "tracepoint:sched:sched_wakeup, tracepoint:sched:sched_switch { }")
        XCTAssertEqual(a.codegenOptions.firedSlot, 0)
        XCTAssertEqual(b.codegenOptions.firedSlot, 1)
        let counters = kernel.maps.filter { $0.spec.name == InternalMap.fired }
        XCTAssertEqual(counters.count, 1, "one map for the session")
        XCTAssertEqual(counters.first?.spec.type, .perCPUArray)
        XCTAssertEqual(counters.first?.spec.maxEntries, InternalMap.firedSlots)
        XCTAssertEqual(a.fired, 0)
        // The kernel sums nothing: user space adds the CPUs' values of the probe's slot.
        counters[0].storage[key(1)] = [value(3), value(4)]
        XCTAssertEqual(b.fired, 7)
        XCTAssertEqual(a.fired, 0)
        // A redefinition gets a new slot: a late run of the old code never counts for it.
        let again = try session.define(name: "a", text: "tracepoint:sched:sched_switch { @a = count(); }")
        XCTAssertEqual(again.codegenOptions.firedSlot, 2)
        XCTAssertEqual(again.fired, 0)
        // A failed define takes no slot.
        XCTAssertThrowsError(try session.define(name: "bad", text: "tracepoint:sched:sched_switch { @a = \"x\"; }"))
        XCTAssertEqual(try session.define(name: "c", text: "BEGIN { }").codegenOptions.firedSlot, 3)
    }

    func testTheCounterIsIncrementedBeforeAnyFilter() throws {
        let session = TracingSession(backend: FakeKernel(), catalogue: FakeCatalogue(), write: { _ in })
        defer { session.close() }
        let probe = try session.define(name: "p", text: "tracepoint:sched:sched_switch /pid == 1/ { @n = count(); }")
        let ir = try probe.intermediateRepresentation()
        let counted = try XCTUnwrap(ir.range(of: "counter.present"), ir)
        let filtered = try XCTUnwrap(ir.range(of: "predicate.pass"), ir)
        XCTAssertLessThan(counted.lowerBound, filtered.lowerBound, "counted before the predicate")
    }

    func testWithoutCountingThereIsNoCounterNorItsMap() throws {
        let kernel = FakeKernel()
        var options = TracingSession.Options()
        options.countsFired = false
        let session = TracingSession(backend: kernel, catalogue: FakeCatalogue(), options: options, write: { _ in })
        defer { session.close() }
        let probe = try session.define(name: "p", text: "tracepoint:sched:sched_switch { @n = count(); }")
        XCTAssertNil(probe.codegenOptions.firedSlot)
        XCTAssertNil(probe.fired)
        XCTAssertFalse(kernel.maps.contains { $0.spec.name == InternalMap.fired })
        XCTAssertFalse(try probe.intermediateRepresentation().contains("fired"))
    }

    func testStatisticsAreOffUntilAskedForAndOffAgainWhenDone() throws {
        let kernel = FakeKernel()
        let session = TracingSession(backend: kernel, catalogue: FakeCatalogue(), write: { _ in })
        try session.define(name: "p", text: "tracepoint:sched:sched_switch { @n = count(); }")
        XCTAssertFalse(session.statisticsEnabled)
        XCTAssertEqual(kernel.statisticsHolders, 0, "defining a probe turns nothing on")
        try session.setStatistics(true)
        try session.setStatistics(true)
        XCTAssertTrue(session.statisticsEnabled)
        XCTAssertEqual(kernel.statisticsHolders, 1)
        try session.setStatistics(false)
        XCTAssertFalse(session.statisticsEnabled)
        XCTAssertEqual(kernel.statisticsHolders, 0)
        try session.setStatistics(true)
        session.close()
        XCTAssertEqual(kernel.statisticsHolders, 0, "closing the session turns them off")

        let refusing = FakeKernel()
        refusing.refusesStatistics = true
        let other = TracingSession(backend: refusing, catalogue: FakeCatalogue(), write: { _ in })
        defer { other.close() }
        XCTAssertThrowsError(try other.setStatistics(true)) { error in
            XCTAssertTrue("\(error)".contains("CAP_SYS_ADMIN"), "\(error)")
        }
        XCTAssertFalse(other.statisticsEnabled)
    }
}

/// The event ring is made once per session, with the first probe that sends events.
final class EventRingTests: XCTestCase {
    func testTheRingIsMadeWithTheFirstProbeThatSendsAndSharedByTheLaterOnes() throws {
        let kernel = FakeKernel()
        let session = TracingSession(backend: kernel, catalogue: FakeCatalogue(), write: { _ in })
        defer { session.close() }
        try session.define(name: "quiet", text: "tracepoint:sched:sched_switch { @n = count(); }")
        XCTAssertFalse(kernel.log.contains("create \(InternalMap.events)"), "nothing sent, no ring")
        XCTAssertNil(kernel.events)
        try session.define(name: "a", text: #"BEGIN { printf("a\n"); }"#)
        try session.define(name: "b", text: #"tracepoint:sched:sched_wakeup { printf("%d\n", pid); }"#)
        XCTAssertEqual(kernel.log.filter { $0 == "create \(InternalMap.events)" }.count, 1, "\(kernel.log)")
        let ring = try XCTUnwrap(kernel.maps.first { $0.spec.name == InternalMap.events })
        XCTAssertEqual(ring.spec.maxEntries, 1 << 20, "a session's ring has one size for all its probes")
        XCTAssertNotNil(kernel.events)
    }

    func testAOneShotProgramGetsTheRingItsSendersNeed() throws {
        let kernel = FakeKernel()
        var options = TracingSession.Options()
        options.eventRingBytes = nil
        let session = TracingSession(backend: kernel, catalogue: FakeCatalogue(), options: options, write: { _ in })
        defer { session.close() }
        try session.define(
            name: "program", text: #"tracepoint:sched:sched_switch { @n = count(); } BEGIN { printf("ready\n"); exit(); }"#)
        let ring = try XCTUnwrap(kernel.maps.first { $0.spec.name == InternalMap.events })
        XCTAssertEqual(ring.spec.maxEntries, 4096, "BEGIN sends two events, at most: one page")
    }
}
