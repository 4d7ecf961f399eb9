import Foundation
import TestSupport
import XCTest

/// The kernel's BPF run statistics time every BPF program on the machine while any process
/// holds them on: neither a one-shot run nor an idle shell turns them on, `fired` still counts
/// exactly, and `statistics on` / `off` hold and release them.
final class RunStatisticsTests: XCTestCase {
    /// Whether `pid` holds the descriptor that keeps run statistics on.
    static func holdsStatistics(_ pid: pid_t) -> Bool {
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? []
        return fds.contains { fd in
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(fd)")) == "anon_inode:bpf-stats"
        }
    }

    /// `count` getppid() calls from a child process.
    func callGetppid(_ count: Int) {
        let result = Spawn.run(
            "/usr/bin/python3", ["-c", "import os\nfor _ in range(\(count)): os.getppid()\nprint('done')"],
            timeout: 30)
        XCTAssertEqual(result.status, 0)
    }

    func testAOneShotRunLeavesStatisticsOff() throws {
        try KernelTestGate.require()
        let run = try ShellProcess(arguments: ["-e", "tracepoint:syscalls:sys_enter_getppid { @ = count(); }"])
        XCTAssertTrue(run.waitForOutput("Attached"), run.output)
        callGetppid(10)
        XCTAssertTrue(run.isAlive, run.output)
        XCTAssertFalse(Self.holdsStatistics(run.pid), "a one-shot run turned run statistics on")
        XCTAssertFalse(HeldKernelObjects(pid: run.pid).programs.isEmpty, "the probe is loaded")
        run.signal(SIGINT)
        XCTAssertNotNil(run.waitForExit(seconds: 20))
        XCTAssertTrue(run.output.contains("@: "), run.output)
    }

    func testTheShellCountsFiredExactlyWithStatisticsOffAndTurnsThemOnOnlyWhenAsked() throws {
        try KernelTestGate.require()
        // --trace-self: the probe's count and its fired count see the very same events.
        let shell = try ShellProcess(arguments: ["--trace-self"])
        shell.send("probes")
        XCTAssertTrue(shell.waitForOutput("no probes yet"), shell.output)
        XCTAssertFalse(Self.holdsStatistics(shell.pid), "an idle shell turned run statistics on")

        shell.send("p = tracepoint:syscalls:sys_enter_getppid { @n = count(); }")
        XCTAssertTrue(shell.waitForOutput("p attached"), shell.output)
        callGetppid(500)
        shell.send("detach p")
        XCTAssertTrue(shell.waitForOutput("p detached"), shell.output)
        XCTAssertFalse(Self.holdsStatistics(shell.pid), "a shell with a probe turned run statistics on")
        shell.send("show p")
        shell.send("print @n")
        XCTAssertTrue(shell.waitForOutput("@n: "), shell.output)
        let output = shell.output
        let fired = try XCTUnwrap(Self.number(after: "fired ", in: output), output)
        let counted = try XCTUnwrap(Self.number(after: "@n: ", in: output), output)
        XCTAssertGreaterThanOrEqual(fired, 500)
        XCTAssertEqual(fired, counted, "fired counts every run, as @n = count() does:\n\(output)")
        XCTAssertTrue(output.contains("ns per run: statistics off"), output)

        shell.send("statistics on")
        XCTAssertTrue(shell.waitForOutput("statistics on:"), shell.output)
        XCTAssertTrue(shell.eventually { Self.holdsStatistics(shell.pid) }, "statistics on holds them")
        shell.send("attach p")
        XCTAssertTrue(shell.waitForOutput("p attached\n"), shell.output)
        callGetppid(200)
        shell.send("probes")
        XCTAssertTrue(shell.waitForOutput("ns/run"), shell.output)
        shell.send("show p")
        XCTAssertTrue(
            shell.eventually { shell.output.range(of: #"times, [0-9]+ ns per run\n"#, options: .regularExpression) != nil },
            shell.output)
        shell.send("statistics off")
        XCTAssertTrue(shell.waitForOutput("statistics off\n"), shell.output)
        XCTAssertTrue(shell.eventually { !Self.holdsStatistics(shell.pid) }, "statistics off releases them")
        shell.send("quit")
        XCTAssertNotNil(shell.waitForExit(seconds: 20))
    }

    /// The first integer after `prefix` in `text`.
    static func number(after prefix: String, in text: String) -> UInt64? {
        guard let range = text.range(of: prefix) else { return nil }
        return UInt64(text[range.upperBound...].prefix { $0.isNumber })
    }
}
