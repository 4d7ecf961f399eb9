import Foundation
import Kernel
import Session
import Tables
import TestSupport
import XCTest

/// A command held at a gate until released, so probes can filter on its pid before it runs.
final class GatedProcess {
    let pid: pid_t
    private var gate: Int32
    private var status: Int32?

    init(_ command: String) throws {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw POSIXError(.EIO) }
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[0], 3)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let words: [String] = ["/bin/sh", "-c", "read _ <&3; exec 3<&-; exec \(command)"]
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let result = posix_spawn(&child, "/bin/sh", &actions, nil, argv, environ)
        close(fds[0])
        guard result == 0 else {
            close(fds[1])
            throw POSIXError(.ENOENT)
        }
        pid = child
        gate = fds[1]
    }

    func start() {
        _ = write(gate, "\n", 1)
        close(gate)
        gate = -1
    }

    /// Waits for the exit status (nil after `seconds`).
    @discardableResult
    func wait(seconds: Double = 30) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while status == nil {
            var raw: Int32 = 0
            if waitpid(pid, &raw, WNOHANG) == pid {
                status = (raw >> 8) & 0xff
                break
            }
            if Date() > deadline { return nil }
            usleep(2_000)
        }
        return status
    }

    func stop() {
        if status == nil {
            kill(pid, SIGKILL)
            wait(seconds: 5)
        }
        if gate >= 0 {
            close(gate)
            gate = -1
        }
    }

    deinit { stop() }

    /// Exactly `count` getppid() system calls (python's start-up makes none; the system python,
    /// not a shim script that would make its own).
    static func getppidLoop(_ count: Int) throws -> GatedProcess {
        try GatedProcess("/usr/bin/python3 -c 'import os; [os.getppid() for _ in range(\(count))]'")
    }
}

extension MapTable.Row {
    /// A count() cell's value (0 for any other cell).
    var count: Int {
        if case .count(let n) = cell { return Int(n) }
        return 0
    }
}

/// Many probes on hot tracepoints under CPU and system-call stress: counts that can be exact
/// are exact, the session keeps answering, and lost data is reported, never silent.
final class LoadTests: XCTestCase {
    var output: [String] = []
    let outputLock = NSLock()

    func liveSession(mapMaxEntries: Int = 4096) -> TracingSession {
        let kernel = Kernel.ProbeCatalogue()
        var options = TracingSession.Options()
        options.mapMaxEntries = mapMaxEntries
        return TracingSession(
            backend: LinuxBackend(catalogue: kernel), catalogue: LiveCatalogue(kernel: kernel), options: options,
            write: { [unowned self] text in
                outputLock.lock()
                output.append(text)
                outputLock.unlock()
            })
    }

    static func milliseconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
    }

    func testFiftyProbesUnderStressCountExactly() throws {
        try KernelTestGate.require()
        let calls = 20_000
        let helper = try GatedProcess.getppidLoop(calls)
        let session = liveSession()
        defer { session.close() }
        let me = helper.pid
        // 25 probes whose counts are known exactly, 25 on hot tracepoints.
        var exact: [String] = []
        var definitions: [(String, String)] = []
        for i in 0..<10 {
            definitions.append(("g\(i)", "tracepoint:syscalls:sys_enter_getppid /pid == \(me)/ { @g\(i) = count(); }"))
            exact.append("g\(i)")
        }
        for i in 0..<8 {
            definitions.append(
                ("r\(i)", "tracepoint:raw_syscalls:sys_enter /pid == \(me) && args.id == 110/ { @r\(i) = count(); }"))
            exact.append("r\(i)")
        }
        for i in 0..<4 {
            definitions.append(
                ("x\(i)", "tracepoint:raw_syscalls:sys_exit /pid == \(me) && args.id == 110/ { @x\(i) = count(); }"))
            exact.append("x\(i)")
        }
        for i in 0..<3 {
            definitions.append(
                (
                    "e\(i)",
                    "tracepoint:syscalls:sys_exit_getppid /pid == \(me)/ { @e\(i)[args.ret > 0] = count(); "
                        + "@v\(i) = stats(args.ret > 0); }"
                ))
            exact.append("e\(i)")
        }
        for i in 0..<13 {
            definitions.append(
                ("s\(i)", "tracepoint:sched:sched_switch { @s\(i)[cpu] = count(); @q\(i) = hist(args.prev_state); }"))
        }
        for i in 0..<12 {
            definitions.append(("a\(i)", "tracepoint:raw_syscalls:sys_enter { @a\(i)[comm] = count(); }"))
        }
        XCTAssertEqual(definitions.count, 50)
        var defineTimes: [Double] = []
        for (name, text) in definitions {
            defineTimes.append(try LoadTests.milliseconds { try session.define(name: name, text: text) })
        }
        XCTAssertEqual(session.probes.filter { $0.state == .attached }.count, 50)

        // Stress: two CPU spinners and a one-byte-at-a-time dd (a system call per byte).
        let stress = try [
            "sh -c 'while :; do :; done'", "sh -c 'while :; do :; done'",
            "dd if=/dev/zero of=/dev/null bs=1 count=1000000000",
        ].map { try GatedProcess($0) }
        defer { stress.forEach { $0.stop() } }
        stress.forEach { $0.start() }
        usleep(200_000)

        // The session answers while loaded: read maps, define and drop a probe.
        var readTimes: [Double] = []
        for i in 0..<10 {
            readTimes.append(try LoadTests.milliseconds { _ = try session.table("@a\(i)") })
        }
        let extra = try LoadTests.milliseconds {
            try session.define(name: "extra", text: "tracepoint:sched:sched_switch { @extra = count(); }")
            try session.drop("extra")
        }
        helper.start()
        XCTAssertEqual(helper.wait(seconds: 60), 0, "the getppid loop finished")
        stress.forEach { $0.stop() }
        session.drainEvents()

        for name in exact {
            let table = try session.table("@" + name)
            let total = table.rows.reduce(0) { $0 + $1.count }
            XCTAssertEqual(total, calls, "@\(name) counted every getppid() of the helper, no more, no less")
        }
        let hot = try session.table("@a0").rows.count
        XCTAssertGreaterThan(hot, 1, "the hot probes saw many processes")
        XCTAssertEqual(session.lostEvents, 0)
        XCTAssertTrue(LossReporter().check(session, force: true).isEmpty, "no map filled, no event was lost")

        let sorted = readTimes.sorted()
        print(
            String(
                format:
                    "load: 50 probes defined in %.0f ms (max %.1f ms each); "
                    + "under load a map read takes %.2f ms median, %.2f ms max; "
                    + "define+drop of one more probe %.1f ms; %d exact counts of %d",
                defineTimes.reduce(0, +), defineTimes.max() ?? 0, sorted[sorted.count / 2], sorted.last ?? 0, extra,
                exact.count, calls))
        let fired = session.probes.reduce(UInt64(0)) { $0 + ($1.fired ?? 0) }
        print("load: the probes ran \(fired) times in all")
    }

    func testFullMapIsReported() throws {
        try KernelTestGate.require()
        let helper = try GatedProcess.getppidLoop(100)
        let session = liveSession(mapMaxEntries: 16)
        defer { session.close() }
        // 100 distinct keys (one timestamp per call) into a 16-entry map.
        try session.define(
            name: "f",
            text:
                "tracepoint:syscalls:sys_enter_getppid /pid == \(helper.pid)/ { @m[nsecs] = count(); @all = count(); }")
        let reporter = LossReporter()
        XCTAssertEqual(reporter.check(session, force: true), [], "nothing lost yet")
        helper.start()
        XCTAssertEqual(helper.wait(), 0)
        XCTAssertEqual(try session.table("@m").rows.count, 16)
        XCTAssertEqual(try session.table("@all").rows.first?.count, 100, "the keyless count saw every call")
        let warnings = reporter.check(session, force: true)
        XCTAssertEqual(warnings.count, 1, "\(warnings)")
        XCTAssertTrue(
            warnings.first?.contains("@m is full (16 entries): updates of new keys are being dropped") ?? false,
            "\(warnings)")
        XCTAssertEqual(reporter.check(session, force: true), [], "reported once")
        try session.clear("@m")
        XCTAssertEqual(reporter.check(session, force: true), [], "cleared, no longer full")
    }

    func testFullRingBufferReportsLostEvents() throws {
        try KernelTestGate.require()
        let calls = 200_000
        let helper = try GatedProcess.getppidLoop(calls)
        let session = liveSession()
        defer { session.close() }
        // Nobody reads the ring while the helper runs: it fills, and the rest are counted lost.
        let chatty = try session.define(
            name: "chatty",
            text:
                "tracepoint:syscalls:sys_enter_getppid /pid == \(helper.pid)/ { "
                + "printf(\"LINE %s %s %s %d\\n\", comm, comm, comm, nsecs); }"
        )
        // Another probe sends events too, but none of this process: its losses stay 0.
        let quiet = try session.define(
            name: "quiet", text: "tracepoint:syscalls:sys_enter_getppid /pid == 1/ { printf(\"never\\n\"); }")
        let reporter = LossReporter()
        helper.start()
        XCTAssertEqual(helper.wait(seconds: 60), 0)
        session.drainEvents()
        outputLock.lock()
        let delivered = output.joined().components(separatedBy: "LINE ").count - 1
        outputLock.unlock()
        let lost = Int(session.lostEvents)
        XCTAssertGreaterThan(lost, 0, "the ring overflowed (\(delivered) delivered)")
        XCTAssertEqual(delivered + lost, calls, "every event is either delivered or counted lost")
        XCTAssertEqual(session.lostEvents(of: chatty), UInt64(lost), "the losses are the chatty probe's")
        XCTAssertEqual(session.lostEvents(of: quiet), 0)
        let warnings = reporter.check(session, force: true)
        XCTAssertEqual(
            warnings,
            [
                "bpfsh: \(lost) events lost: the event ring buffer was full "
                    + "(\(lost) lost in this session: chatty \(lost); print less per event or wait/poll more often)"
            ])
        XCTAssertEqual(reporter.check(session, force: true), [], "reported once")
        print("ring buffer: \(delivered) events delivered, \(lost) lost and reported, of \(calls)")
    }
}
