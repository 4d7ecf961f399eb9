import Foundation
import TestSupport
import XCTest

/// Programs the verifier (or LLVM's stack check) refuses, typed into a live shell: each
/// refusal is an error with a caret under the construct, nothing of it stays loaded, and
/// the session goes on (cases of Tests/RuntimeCorpusTests/cases/verifier.txt, one shell).
final class VerifierRejectionTests: XCTestCase {
    func testRejectionsAreLocatedAndTheSessionGoesOn() throws {
        try KernelTestGate.require()
        let rejected: [(name: String, program: String, column: Int, message: String)] = [
            (
                "spin", "tracepoint:syscalls:sys_enter_getppid { $i = 0; while (1) { $i++; } }", 48,
                "infinite loop detected"
            ),
            (
                "later", "tracepoint:syscalls:sys_enter_getppid { @n = count(); $i = 0; while (1) { $i++; } }", 62,
                "infinite loop detected"
            ),
            (
                "wide",
                "tracepoint:syscalls:sys_enter_getppid { $t = ("
                    + Array(repeating: "comm", count: 35).joined(separator: ", ") + "); @x = $t; }",
                0, "needs more than the 512 bytes of stack"
            ),
        ]
        let shell = try ShellProcess()
        shell.send("ok = tracepoint:syscalls:sys_enter_getppid { @ok = count(); }")
        XCTAssertTrue(shell.waitForOutput("ok attached"), shell.output)
        // Values up to 1 KiB stay on the stack, so the wide tuple overflows it as it did before
        // larger values moved to the scratch map.
        shell.send("config on_stack_limit 1024")
        let before = HeldKernelObjects(pid: shell.pid)
        for (name, program, _, _) in rejected { shell.send("\(name) = \(program)") }
        shell.send("probes")
        XCTAssertTrue(shell.waitForOutput("attach points", seconds: 30), shell.output)
        XCTAssertEqual(HeldKernelObjects(pid: shell.pid).programs, before.programs, "no refused program stays loaded")
        shell.send("after = tracepoint:sched:sched_switch { @after = count(); }")
        shell.send("quit")
        XCTAssertNotNil(shell.waitForExit(seconds: 30))
        XCTAssertEqual(shell.exitCode, 0)
        let output = shell.output
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for (name, program, column, message) in rejected {
            // The error, the statement's source line, and a caret line under the construct.
            guard
                let index = lines.firstIndex(where: {
                    $0.hasPrefix("\(name):1:\(column + 1): error:") && $0.contains(message)
                })
            else {
                XCTFail("no located error for \(name):\n\(output)")
                continue
            }
            // A line longer than 160 bytes is shown as a window around the caret, cut with "…".
            if program.utf8.count <= 160 {
                XCTAssertEqual(lines[index + 1], program)
            } else {
                XCTAssertTrue(lines[index + 1].hasSuffix("…"), lines[index + 1])
                XCTAssertTrue(program.hasPrefix(String(lines[index + 1].dropLast())), lines[index + 1])
            }
            XCTAssertTrue(
                lines[index + 2].hasPrefix(String(repeating: " ", count: column) + "^"),
                "caret at column \(column + 1):\n\(lines[index + 2])")
        }
        XCTAssertNotNil(
            output.range(of: #"ok\s+attached"#, options: .regularExpression), "the earlier probe still runs:\n\(output)"
        )
        for (name, _, _, _) in rejected {
            XCTAssertNil(
                output.range(of: "\n\(name) +", options: .regularExpression), "\(name) was not defined:\n\(output)")
        }
        XCTAssertTrue(output.contains("after attached"), "probes can still be defined:\n\(output)")
        XCTAssertEqual(before.programs.count, 1)
        print("verifier rejections: \(rejected.count) located in one shell session")
    }
}
