import Foundation
import TestSupport
import XCTest

/// `-p PID` limits every probe to that process, as bpftrace does, not only uprobes.
final class ProcessFilterTests: XCTestCase {
    /// Two processes read in a loop; a tracepoint under `-p` counts the first one only.
    func testATracepointUnderPIDSeesOnlyThatProcess() throws {
        try KernelTestGate.require()
        func reader() throws -> Process {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/dd")
            process.arguments = ["if=/dev/zero", "of=/dev/null", "bs=1", "count=1000000000"]
            process.standardError = FileHandle.nullDevice
            try process.run()
            return process
        }
        let target = try reader(), other = try reader()
        defer {
            target.terminate()
            other.terminate()
            target.waitUntilExit()
            other.waitUntilExit()
        }
        let result = try CommandRunner.run(
            KernelTestGate.executable,
            [
                "-e",
                "tracepoint:syscalls:sys_enter_read { @[pid] = count(); } "
                    + "profile:hz:997 { @samples[pid] = count(); } interval:ms:500 { exit(); }",
                "-p", String(target.processIdentifier),
            ], readyMarker: nil, timeout: 30)
        XCTAssertEqual(result.status, 0, result.stderr)
        let keys = Set(
            result.stdout.split(separator: "\n").compactMap { line -> String? in
                guard let open = line.firstIndex(of: "["), let close = line.firstIndex(of: "]") else { return nil }
                return String(line[line.index(after: open)..<close])
            })
        XCTAssertEqual(keys, [String(target.processIdentifier)], result.stdout)
    }
}

/// `--probe-filter`, `-B` and `--info` on the command line, as bpftrace has them.
final class CommandLineOptionTests: XCTestCase {
    func testAProbeFilterKeepsMatchingProbesAndBeginEnd() throws {
        try KernelTestGate.require()
        let result = try CommandRunner.run(
            KernelTestGate.executable,
            [
                "--probe-filter", "interval:ms:(200|300)", "-B", "none", "-e",
                #"BEGIN { printf("begin\n"); } interval:ms:100 { printf("bad\n"); exit(); } "#
                    + #"interval:ms:200 { printf("a\n"); } interval:ms:300 { printf("b\n"); exit(); } "#
                    + #"END { printf("end\n"); }"#,
            ], readyMarker: nil, timeout: 30)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout.split(separator: "\n").filter { !$0.hasPrefix("Attached") }, ["begin", "a", "b", "end"])

        let none = try CommandRunner.run(
            KernelTestGate.executable, ["--probe-filter", "nonexistent", "-e", "interval:ms:100 { exit(); }"],
            readyMarker: nil, timeout: 30)
        XCTAssertEqual(none.status, 1)
        XCTAssertTrue(none.stderr.contains("No probes to attach"), none.stderr)
        let invalid = try CommandRunner.run(
            KernelTestGate.executable, ["--probe-filter", "[invalid", "-e", "BEGIN { }"], readyMarker: nil, timeout: 30)
        XCTAssertEqual(invalid.status, 1)
        XCTAssertTrue(invalid.stderr.contains("Invalid --probe-filter regex"), invalid.stderr)
    }

    /// `-k` reports a read through a bad pointer with its place, as bpftrace 0.23+ does;
    /// without it the read yields 0 silently.
    func testDashKReportsAFailedProbeRead() throws {
        try KernelTestGate.require()
        let program = #"BEGIN { $p = (int32 *)8; printf("%d\n", *$p); exit(); }"#
        let reported = try CommandRunner.run(
            KernelTestGate.executable, ["-k", "-e", program], readyMarker: nil, timeout: 30)
        XCTAssertEqual(reported.status, 0, reported.stderr)
        XCTAssertTrue(reported.stdout.contains("0\n"), reported.stdout)
        XCTAssertTrue(
            reported.stderr.contains(
                "stdin:1:41-44: WARNING: Failed to probe_read: Bad address (-14)\n" + program + "\n"
                    + String(repeating: " ", count: 40) + "~~~"), reported.stderr)
        let json = try CommandRunner.run(
            KernelTestGate.executable, ["-k", "-q", "-f", "json", "-e", program], readyMarker: nil, timeout: 30)
        XCTAssertTrue(
            json.stdout.contains(
                #"{"type": "helper_error", "msg": "Bad address", "helper": "probe_read", "retcode": -14, "#
                    + #""filename": "stdin", "line": 1, "col": 41}"#), json.stdout)
        let silent = try CommandRunner.run(KernelTestGate.executable, ["-e", program], readyMarker: nil, timeout: 30)
        XCTAssertEqual(silent.status, 0, silent.stderr)
        XCTAssertFalse(silent.stderr.contains("Failed to"), silent.stderr)
    }

    func testInfoSaysWhatThisKernelLacks() throws {
        try KernelTestGate.require()
        let result = try CommandRunner.run(KernelTestGate.executable, ["--info"], readyMarker: nil, timeout: 30)
        XCTAssertEqual(result.status, 0, result.stderr)
        for line in ["Kernel helpers", "  probe_read_user: yes", "  ringbuf: yes", "  tracepoint: yes", "  btf: yes"] {
            XCTAssertTrue(result.stdout.contains(line + "\n"), "\(line) in:\n\(result.stdout)")
        }
        // Whatever this kernel lacks is a "no" with the reason below, as the banner's probes found.
        let kprobes = FileManager.default.fileExists(atPath: "/sys/bus/event_source/devices/kprobe/type")
        XCTAssertTrue(result.stdout.contains("  kprobe: \(kprobes ? "yes" : "no")\n"), result.stdout)
        if !kprobes { XCTAssertTrue(result.stdout.contains("  kprobes: "), result.stdout) }
    }
}
