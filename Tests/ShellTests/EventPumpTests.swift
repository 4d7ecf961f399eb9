import Foundation
import TestSupport
import XCTest

/// Floods of probe output leave the shell in charge: events are handled in bounded slices
/// with input, Ctrl-C and commands served between them, output that a terminal cannot take
/// is summarized, and a closed terminal ends the session (issue 17, failures 1 and 2).
///
/// Latencies are printed, not asserted; the deadlines below are ones only a hang misses.
final class EventPumpTests: XCTestCase {
    /// The probe that printed 65 million lines in 8 s and never let the shell back: with
    /// --trace-self, every line the shell writes fires it again.
    func testASelfFeedingPrintfProbeLeavesTheShellAnsweringAndQuitting() throws {
        try KernelTestGate.require()
        let shell = try ShellProcess(arguments: ["--trace-self"])
        shell.send(#"f = tracepoint:raw_syscalls:sys_enter { printf("%d\n", pid); }"#)
        XCTAssertTrue(shell.waitForOutput("f attached", seconds: 60), String(shell.output.suffix(2000)))
        shell.send("probes")
        XCTAssertTrue(
            shell.eventually(60) {
                shell.output.range(
                    of: #"f\s+attached\s+tracepoint:raw_syscalls:sys_enter"#,
                    options: .regularExpression) != nil
            }, "probes was not answered")
        shell.send("quit")
        XCTAssertNotNil(shell.waitForExit(seconds: 60), "quit was not answered")
        XCTAssertEqual(shell.exitCode, 0)
        let own = String(shell.pid)
        let lines = shell.output.split(separator: "\n")
        XCTAssertTrue(lines.contains { $0 == own }, "the shell's own syscalls are traced with --trace-self")
    }

    /// The heaviest flood this machine makes: a printf on every syscall while two one-byte
    /// `dd` copies run (one per CPU). The shell, on a real terminal read as fast as possible,
    /// answers commands and Ctrl-C; the figures are printed.
    func testCommandsAndCtrlCAreAnsweredUnderTheHeaviestFlood() throws {
        try KernelTestGate.require()
        let shell = try PseudoTerminalShell()
        XCTAssertNotNil(shell.waitFor("bpfsh>", after: 0, seconds: 30), "no prompt")
        shell.type("spawn dd if=/dev/zero of=/dev/null bs=1\r")
        shell.type("spawn dd if=/dev/zero of=/dev/null bs=1\r")
        XCTAssertNotNil(shell.waitFor("[2]", after: 0, seconds: 30))
        var mark = shell.mark
        shell.type(#"f = tracepoint:raw_syscalls:sys_enter { printf("%d %s\n", pid, comm); }"# + "\r")
        XCTAssertNotNil(shell.waitFor("f attached", after: mark, seconds: 60))
        let floodStart = Date()
        let firedAtStart = try fired(shell)

        var commandLatencies: [Double] = []
        var interruptLatencies: [Double] = []
        for _ in 0..<10 {
            _ = shell.waitFor("never printed", after: shell.mark, seconds: 0.3)  // let the flood run
            mark = shell.mark
            shell.type("show f\r")
            commandLatencies.append(try XCTUnwrap(shell.waitFor(" times,", after: mark, seconds: 60), "show"))
            // Ctrl-C ends a wait; the `probes` typed right after is answered once it has.
            shell.type("wait 60s\r")
            _ = shell.waitFor("waiting", after: mark, seconds: 60)
            mark = shell.mark
            shell.type("\u{3}")
            shell.type("probes\r")
            interruptLatencies.append(try XCTUnwrap(shell.waitFor("insns", after: mark, seconds: 60), "Ctrl-C"))
        }
        let firedAtEnd = try fired(shell)
        let seconds = Date().timeIntervalSince(floodStart)
        mark = shell.mark
        let quitStart = Date()
        shell.type("quit\r")
        XCTAssertNotNil(shell.waitForExit(seconds: 120), "quit was not answered")
        let quitSeconds = Date().timeIntervalSince(quitStart)
        XCTAssertEqual(shell.exitCode, 0)

        func summary(_ values: [Double]) -> String {
            let sorted = values.sorted().map { $0 * 1000 }
            return String(
                format: "median %.1f ms, max %.1f ms (%d runs)", sorted[sorted.count / 2],
                sorted.last!, sorted.count)
        }
        let rate = Double(firedAtEnd - firedAtStart) / seconds
        print(
            "flood: printf on raw_syscalls:sys_enter with two dd bs=1: \(Int(rate)) events/s "
                + "(\(shell.totalBytes / 1024) KB reached the terminal in \(Int(seconds)) s)")
        print("flood: `show f` answered in " + summary(commandLatencies))
        print("flood: Ctrl-C ending a wait, then `probes`, answered in " + summary(interruptLatencies))
        print(String(format: "flood: quit took %.2f s", quitSeconds))
    }

    /// The probe's `fired` count from `show`.
    func fired(_ shell: PseudoTerminalShell) throws -> Int {
        let mark = shell.mark
        shell.type("show f\r")
        XCTAssertNotNil(shell.waitFor(" times,", after: mark, seconds: 60))
        let text = shell.text(after: mark)
        let range = try XCTUnwrap(text.range(of: #"fired [0-9]+ times"#, options: .regularExpression))
        return Int(text[range].filter(\.isNumber))!
    }

    /// A terminal that stops reading does not stop the shell: what it cannot take is
    /// summarized, `output` shows the last lines, and the command typed meanwhile is answered.
    func testATerminalThatStopsReadingGetsASummaryAndTheShellGoesOn() throws {
        try KernelTestGate.require()
        let shell = try PseudoTerminalShell()
        XCTAssertNotNil(shell.waitFor("bpfsh>", after: 0, seconds: 30), "no prompt")
        shell.type("spawn dd if=/dev/zero of=/dev/null bs=1\r")
        var mark = shell.mark
        shell.type(#"f = tracepoint:raw_syscalls:sys_enter /comm == "dd"/ { printf("dd %d\n", pid); }"# + "\r")
        XCTAssertNotNil(shell.waitFor("f attached", after: mark, seconds: 60))
        // Stop reading for two seconds; type a command meanwhile.
        usleep(1_000_000)
        shell.type("show f\r")
        usleep(1_000_000)
        mark = shell.mark
        XCTAssertNotNil(shell.waitFor(" times,", after: mark, seconds: 60), "show was not answered")
        XCTAssertNotNil(
            shell.waitFor(
                "not shown (the terminal could not keep up); `output` to see the last ones", after: 0,
                seconds: 60), "no summary")
        mark = shell.mark
        shell.type("detach f\r")
        XCTAssertNotNil(shell.waitFor("f detached", after: mark, seconds: 60))
        mark = shell.mark
        shell.type("output 3\r")
        XCTAssertNotNil(shell.waitFor("lines probes printed:", after: mark, seconds: 60))
        XCTAssertNotNil(shell.waitFor("dd ", after: mark, seconds: 10))
        shell.type("quit\r")
        XCTAssertNotNil(shell.waitForExit(seconds: 60))
        XCTAssertEqual(shell.exitCode, 0)
    }

    /// A closed output (the reader of a pipe went away) ends the session as SIGHUP does:
    /// no spinning on EPIPE.
    func testAClosedOutputEndsTheSession() throws {
        try KernelTestGate.require()
        let process = Process()
        process.executableURL = KernelTestGate.executable
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        var environment = ProcessInfo.processInfo.environment
        environment["BPFSH_HISTORY"] = "/dev/null"
        process.environment = environment
        try process.run()
        input.fileHandleForWriting.write(
            Data(#"f = tracepoint:raw_syscalls:sys_enter { printf("%d\n", pid); }"#.utf8 + [10]))
        // Read a little, then go away while the probe keeps printing.
        var received = Data()
        while received.count < 10_000 { received += output.fileHandleForReading.availableData }
        try output.fileHandleForReading.close()
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        XCTAssertFalse(process.isRunning, "the shell kept running with nobody reading")
        if process.isRunning { process.terminate() }
        XCTAssertEqual(process.terminationStatus, 0)
        try? input.fileHandleForWriting.close()
    }

    /// Hanging up the terminal ends the session cleanly too.
    func testAHangUpEndsTheSession() throws {
        try KernelTestGate.require()
        let shell = try PseudoTerminalShell()
        XCTAssertNotNil(shell.waitFor("bpfsh>", after: 0, seconds: 30), "no prompt")
        let mark = shell.mark
        shell.type(#"f = tracepoint:raw_syscalls:sys_enter { printf("%d\n", pid); }"# + "\r")
        XCTAssertNotNil(shell.waitFor("f attached", after: mark, seconds: 60))
        kill(shell.pid, SIGHUP)
        XCTAssertNotNil(shell.waitForExit(seconds: 60), "SIGHUP did not end the session")
        XCTAssertEqual(shell.exitCode, 0)
    }
}
