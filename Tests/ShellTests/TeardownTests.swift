import Foundation
import TestSupport
import XCTest

/// Nothing a shell session made outlives it: after `detach`/`drop` the probe's links, perf
/// events and programs are gone while the shell runs on, and after `quit`, end of input,
/// SIGINT, SIGTERM and SIGKILL no program, link or perf event of the session exists anywhere
/// (checked with bpftool by id) and spawned workloads are stopped.
final class TeardownTests: XCTestCase {
    let counting = "c = tracepoint:raw_syscalls:sys_enter { @n = count(); }"
    let sampling = "p = profile:hz:99 { @p = count(); }"

    /// A workload is running: it exists, is not a zombie, and is still `sleep`.
    static func isRunning(_ pid: pid_t, command: String = "sleep") -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        let comm = stat[stat.index(after: stat.firstIndex(of: "(")!)..<close]
        let state = stat[stat.index(close, offsetBy: 2)]
        return comm == command && state != "Z" && state != "X"
    }

    /// The pid printed by `spawn` (`[1] 1234 sleep 1000`).
    static func spawnedPID(in output: String) -> pid_t? {
        guard let range = output.range(of: #"\[\d+\] (\d+) sleep"#, options: .regularExpression) else { return nil }
        return pid_t(output[range].split(separator: " ")[1])
    }

    struct Started {
        var shell: ShellProcess
        var held: HeldKernelObjects
        var workload: pid_t
    }

    /// A shell holding a tracepoint probe, a profile probe (a perf event per CPU) and a workload.
    func startLoadedShell(file: StaticString = #filePath, line: UInt = #line) throws -> Started {
        let shell = try ShellProcess()
        shell.send(counting)
        shell.send(sampling)
        shell.send("spawn sleep 1000")
        let cpus = ProcessInfo.processInfo.activeProcessorCount
        var held = HeldKernelObjects(pid: shell.pid)
        let ready = shell.eventually {
            held = HeldKernelObjects(pid: shell.pid)
            return held.programs.count == 2 && held.links.count == 1 + cpus
                && TeardownTests.spawnedPID(in: shell.output) != nil
        }
        XCTAssertTrue(
            ready, "the shell attached both probes and spawned sleep: \(held)\n\(shell.output)", file: file, line: line)
        guard ready, let workload = TeardownTests.spawnedPID(in: shell.output) else {
            throw XCTSkip("shell did not start")
        }
        XCTAssertEqual(
            held.perfEvents, 1 + cpus, "one tracepoint event and one sampling event per CPU", file: file, line: line)
        // /bin/sh -c "exec sleep 1000": sh is gone once sleep runs.
        XCTAssertTrue(
            shell.eventually { TeardownTests.isRunning(workload) }, "the workload runs sleep", file: file, line: line)
        // The workload holds nothing of the shell's: only /dev/null on 0, 1 and 2.
        let workloadFDs = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(workload)/fd")) ?? []
        XCTAssertEqual(Set(workloadFDs), ["0", "1", "2"], file: file, line: line)
        XCTAssertEqual(HeldKernelObjects(pid: workload), HeldKernelObjects(pid: -1), file: file, line: line)
        return Started(shell: shell, held: held, workload: workload)
    }

    /// After the shell ended: none of its programs, links or perf events exist, and the
    /// workload is gone.
    func assertNothingRemains(_ started: Started, _ how: String, file: StaticString = #filePath, line: UInt = #line) {
        let held = started.held
        let gone = started.shell.eventually(10) {
            held.programs.allSatisfy { !HeldKernelObjects.programExists($0) }
                && held.links.allSatisfy { !HeldKernelObjects.linkExists($0) }
        }
        XCTAssertTrue(
            gone,
            "after \(how): programs \(held.programs.filter(HeldKernelObjects.programExists)) "
                + "links \(held.links.filter(HeldKernelObjects.linkExists)) remain",
            file: file, line: line)
        XCTAssertEqual(
            HeldKernelObjects.perfEventsUsing(held.programs), 0,
            "after \(how): a perf event still runs one of \(held.programs)", file: file, line: line)
        XCTAssertTrue(
            started.shell.eventually(10) { !TeardownTests.isRunning(started.workload) },
            "after \(how): the spawned workload \(started.workload) still runs", file: file, line: line)
    }

    func testDetachReleasesLinksAndPerfEventsAndDropReleasesPrograms() throws {
        try KernelTestGate.require()
        let started = try startLoadedShell()
        let shell = started.shell
        let before = started.held
        let counterProgram = try XCTUnwrap(
            before.linkPrograms.values.first { id in before.linkPrograms.values.filter { $0 == id }.count == 1 })
        let samplerProgram = try XCTUnwrap(before.programs.subtracting([counterProgram]).first)
        let counterLinks = before.links.filter { before.linkPrograms[$0] == counterProgram }
        let samplerLinks = before.links.filter { before.linkPrograms[$0] == samplerProgram }
        XCTAssertEqual(
            HeldKernelObjects.perfEventsUsing([counterProgram]), 1, "bpftool sees the tracepoint's perf event")

        shell.send("detach c")
        XCTAssertTrue(
            shell.eventually { counterLinks.allSatisfy { !HeldKernelObjects.linkExists($0) } }, "detach closes c's link"
        )
        XCTAssertEqual(HeldKernelObjects.perfEventsUsing([counterProgram]), 0, "detach closes c's perf event")
        var now = HeldKernelObjects(pid: shell.pid)
        XCTAssertEqual(now.programs, before.programs, "a detached probe keeps its program loaded, to attach again")
        XCTAssertEqual(now.links, samplerLinks, "p keeps running")

        shell.send("drop p")
        XCTAssertTrue(
            shell.eventually {
                now = HeldKernelObjects(pid: shell.pid)
                return now.programs == [counterProgram] && now.links.isEmpty && now.perfEvents == 0
            }, "drop p releases its program, links and every sampling perf event: \(now)")
        XCTAssertTrue(
            shell.eventually { !HeldKernelObjects.programExists(samplerProgram) }, "p's program no longer exists")
        XCTAssertTrue(samplerLinks.allSatisfy { !HeldKernelObjects.linkExists($0) })

        shell.send("drop c")
        XCTAssertTrue(
            shell.eventually { !HeldKernelObjects.programExists(counterProgram) }, "c's program no longer exists")
        XCTAssertTrue(shell.isAlive, "the shell runs on")
        shell.send("print @n")
        XCTAssertTrue(shell.waitForOutput("@n: "), "dropped probes' maps stay readable:\n\(shell.output)")
        shell.send("quit")
        XCTAssertNotNil(shell.waitForExit())
        XCTAssertEqual(shell.exitCode, 0)
        assertNothingRemains(started, "quit")
    }

    func testQuitReleasesEverything() throws {
        try KernelTestGate.require()
        let started = try startLoadedShell()
        started.shell.send("quit")
        XCTAssertNotNil(started.shell.waitForExit())
        XCTAssertEqual(started.shell.exitCode, 0)
        assertNothingRemains(started, "quit")
    }

    func testEndOfInputReleasesEverything() throws {
        try KernelTestGate.require()
        let started = try startLoadedShell()
        started.shell.closeInput()
        XCTAssertNotNil(started.shell.waitForExit())
        XCTAssertEqual(started.shell.exitCode, 0)
        assertNothingRemains(started, "end of input")
    }

    /// SIGINT cancels the running `wait` (not the shell); the input then ends and the shell
    /// leaves, well before the 30 s wait would have.
    func testSIGINTDuringWaitReleasesEverything() throws {
        try KernelTestGate.require()
        let started = try startLoadedShell()
        started.shell.send("wait 30s")
        started.shell.send("print @n")
        started.shell.closeInput()
        usleep(200_000)
        XCTAssertTrue(started.shell.isAlive, "still waiting")
        started.shell.signal(SIGINT)
        XCTAssertNotNil(started.shell.waitForExit(seconds: 10), "SIGINT ended the wait")
        XCTAssertEqual(started.shell.exitCode, 0)
        XCTAssertTrue(
            started.shell.output.contains("@n: "), "the statements after the wait ran:\n\(started.shell.output)")
        assertNothingRemains(started, "SIGINT")
    }

    func testSIGTERMReleasesEverything() throws {
        try KernelTestGate.require()
        let started = try startLoadedShell()
        started.shell.send("wait 30s")
        usleep(100_000)
        started.shell.signal(SIGTERM)
        XCTAssertNotNil(started.shell.waitForExit(seconds: 10), "SIGTERM ended the shell")
        assertNothingRemains(started, "SIGTERM")
    }

    func testSIGKILLReleasesEverything() throws {
        try KernelTestGate.require()
        let started = try startLoadedShell()
        started.shell.send("wait 30s")
        usleep(100_000)
        started.shell.signal(SIGKILL)
        XCTAssertNotNil(started.shell.waitForExit(seconds: 10))
        XCTAssertEqual(started.shell.terminatingSignal, SIGKILL)
        assertNothingRemains(started, "SIGKILL")
    }

    /// A one-shot run exits without waiting for the kernel to release its links and perf
    /// events (a child it leaves does that), yet END ran and soon nothing of it remains anywhere.
    func testAOneShotRunLeavesTheReleaseToAChildAndNothingRemains() throws {
        try KernelTestGate.require()
        let run = try ShellProcess(arguments: [
            "-e", #"tracepoint:raw_syscalls:sys_enter { @n = count(); } profile:hz:99 { @p = count(); } END { printf("end\n"); }"#,
        ])
        XCTAssertTrue(run.waitForOutput("Attached"), run.output)
        var held = HeldKernelObjects(pid: run.pid)
        let cpus = ProcessInfo.processInfo.activeProcessorCount
        XCTAssertTrue(run.eventually {
            held = HeldKernelObjects(pid: run.pid)
            return held.programs.count == 3 && held.perfEvents == 1 + cpus  // END is a program too
        }, "\(held)")
        run.signal(SIGINT)
        XCTAssertNotNil(run.waitForExit(seconds: 20))
        XCTAssertEqual(run.exitCode, 0, run.output)
        XCTAssertTrue(run.output.contains("end\n"), run.output)
        XCTAssertTrue(run.output.contains("@n: "), run.output)
        let gone = run.eventually(10) {
            held.programs.allSatisfy { !HeldKernelObjects.programExists($0) }
                && held.links.allSatisfy { !HeldKernelObjects.linkExists($0) }
                && HeldKernelObjects.perfEventsUsing(held.programs) == 0
        }
        XCTAssertTrue(gone, "programs \(held.programs.filter(HeldKernelObjects.programExists)) remain")
    }
}
