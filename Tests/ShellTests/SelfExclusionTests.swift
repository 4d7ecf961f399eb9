import Foundation
import TestSupport
import XCTest

/// A probe that sees the shell's own work must not feed on it (issue: a raw_syscalls printf
/// probe made every line the shell printed fire it again, and the shell never came back).
final class SelfExclusionTests: XCTestCase {
    func runShell(_ script: String, arguments: [String] = []) throws -> (output: String, timedOut: Bool) {
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("bpfsh-self-\(getpid()).txt")
        try script.write(to: input, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: input) }
        let command = ([KernelTestGate.executable.path] + arguments).joined(separator: " ")
        // A generous deadline: only a shell that never returns misses it.
        let result = try CommandRunner.run(
            URL(fileURLWithPath: "/bin/sh"), ["-c", "exec \(command) < \(input.path) 2>&1"], readyMarker: nil,
            timeout: 60)
        return (result.stdout, result.timedOut)
    }

    func testASelfTracingPrintfProbeLeavesTheShellAnswering() throws {
        try KernelTestGate.require()
        let run = try runShell(
            """
            f = tracepoint:raw_syscalls:sys_enter { printf("pid %d\\n", pid); }
            ! sh -c 'for i in 1 2 3; do true; done'
            show f
            probes
            drop f
            quit

            """)
        XCTAssertFalse(run.timedOut, "the shell hung:\n" + run.output.suffix(2000))
        let own = try XCTUnwrap(
            run.output.range(of: #"ignores bpfsh's own process \(pid ([0-9]+)\)"#, options: .regularExpression)
                .map { String(run.output[$0]).filter(\.isNumber) }, run.output.suffix(2000).description)
        let lines = run.output.split(separator: "\n")
        XCTAssertFalse(lines.contains("pid \(own)"), "the shell's own syscalls were traced")
        XCTAssertTrue(lines.contains { $0.hasPrefix("pid ") }, "other processes are still traced")
        XCTAssertNotNil(run.output.range(of: #"f\s+attached"#, options: .regularExpression), "probes answered")
    }

    func testTraceSelfIncludesTheShell() throws {
        try KernelTestGate.require()
        let run = try runShell(
            """
            f = tracepoint:syscalls:sys_enter_getppid { @own = count(); }
            show f
            quit

            """, arguments: ["--trace-self"])
        XCTAssertFalse(run.timedOut, run.output)
        XCTAssertFalse(run.output.contains("ignores bpfsh's own process"), run.output)
    }

    func testOneShotRunsIgnoreTheirOwnProcessExceptInBeginAndTimers() throws {
        try KernelTestGate.require()
        let program =
            "tracepoint:syscalls:sys_enter_write { @writes[pid == cpid ? 0 : pid] = count(); }"
            + " BEGIN { printf(\"self %d\\n\", pid); } interval:ms:300 { printf(\"tick\\n\"); exit(); }"
        let result = try CommandRunner.run(
            KernelTestGate.executable, ["-e", program], readyMarker: nil, timeout: 60)
        XCTAssertFalse(result.timedOut)
        let selfLine = try XCTUnwrap(result.stdout.split(separator: "\n").first { $0.hasPrefix("self ") })
        let own = selfLine.dropFirst("self ".count)
        XCTAssertNotEqual(own, "0", "BEGIN runs in bpfsh and sees its pid")
        XCTAssertTrue(result.stdout.contains("tick"), result.stdout)
        XCTAssertFalse(result.stdout.contains("@writes[\(own)]"), "bpfsh's own writes are ignored:\n" + result.stdout)
    }
}
