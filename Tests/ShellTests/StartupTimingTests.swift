import Foundation
import Session
import TestSupport
import XCTest

/// `BPFSH_TIMING=1`: the phases of a start, printed to standard error, that bench/run reads.
final class StartupTimingTests: XCTestCase {
    /// The phase lines of a run's output: name → milliseconds.
    func phases(in output: String) -> [String: Double] {
        var found: [String: Double] = [:]
        for line in output.split(separator: "\n") where line.hasPrefix("bpfsh timing ") {
            let words = line.split(separator: " ")
            guard words.count >= 5, words[4] == "ms", let value = Double(words[3]) else { continue }
            found[String(words[2])] = value
        }
        return found
    }

    func testAOneShotRunPrintsEveryPhaseOfItsStartAndTheyAddUp() throws {
        try KernelTestGate.require()
        let run = try ShellProcess(
            arguments: ["-e", #"tracepoint:syscalls:sys_enter_getppid { @ = count(); } BEGIN { printf("ready\n"); exit(); }"#],
            environment: ["BPFSH_TIMING": "1", "BPFSH_CACHE": "0"])
        XCTAssertNotNil(run.waitForExit(seconds: 30))
        XCTAssertEqual(run.exitCode, 0, run.output)
        let output = run.output
        let found = phases(in: output)
        let start = ["main", "arguments", "setup", "catalogue", "check", "compile", "maps", "load", "attach", "BEGIN"]
        for phase in start + ["run", "teardown", "ready", "after"] where phase != "after" {
            XCTAssertNotNil(found[phase], "no \(phase) line in:\n\(output)")
        }
        for phase in start.dropFirst() {
            XCTAssertGreaterThanOrEqual(found[phase] ?? -1, 0, phase)
        }
        // "ready" is the sum of the start's phases, each printed to 0.01 ms.
        let sum = start.compactMap { found[$0] }.reduce(0, +)
        XCTAssertEqual(sum, found["ready"] ?? -1, accuracy: 0.01 * Double(start.count), output)
        XCTAssertGreaterThan(found["compile"] ?? 0, 0, "LLVM ran")
        XCTAssertGreaterThan(found["load"] ?? 0, 0, "the verifier ran")
        // The ready line comes before the phases printed at exit.
        let ready = try XCTUnwrap(output.range(of: "bpfsh timing ready"))
        let teardown = try XCTUnwrap(output.range(of: "bpfsh timing teardown"))
        XCTAssertLessThan(ready.lowerBound, teardown.lowerBound)
        XCTAssertTrue(output.contains("bpfsh timing main-at "), output)
    }

    func testWithoutTheVariableNothingIsPrinted() throws {
        try KernelTestGate.require()
        let run = try ShellProcess(arguments: ["-e", #"BEGIN { printf("ready\n"); exit(); }"#])
        XCTAssertNotNil(run.waitForExit(seconds: 30))
        XCTAssertEqual(run.exitCode, 0, run.output)
        XCTAssertFalse(run.output.contains("bpfsh timing"), run.output)
        XCTAssertTrue(run.output.contains("ready"), run.output)
    }

    func testTheProcessStartIsReadAfterTheLastParenthesisOfTheName() {
        // A command name may hold spaces and parentheses; starttime is field 22.
        let fields = (3...52).map { $0 == 22 ? "12345" : String($0) }.joined(separator: " ")
        let line = "4242 (a) b (c) " + fields + "\n"
        let ticks = UInt64(sysconf(Int32(_SC_CLK_TCK)))
        XCTAssertEqual(StartupTiming.processStartNanoseconds(stat: line), 12345 * 1_000_000_000 / ticks)
        XCTAssertNil(StartupTiming.processStartNanoseconds(stat: "4242 (short) S 1 2"))
    }
}
