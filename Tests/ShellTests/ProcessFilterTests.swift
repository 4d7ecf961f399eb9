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
