import Foundation
import TestSupport
import XCTest

/// A process that lived for a moment and exited before its map was printed: its user stacks
/// resolve to function names from the mappings the kernel reported while it ran, where
/// /proc/PID/maps is gone.
final class ExitedProcessStackTests: XCTestCase {
    func testAShortLivedProcessStackResolvesAfterItExited() throws {
        try KernelTestGate.require()
        let program = try CProgram.build(
            "blink",
            source: """
                #include <unistd.h>
                __attribute__((noinline)) int ask_parent(void) { return (int)getppid(); }
                __attribute__((noinline)) int blink_once(void) { return ask_parent() + 1; }
                int main(void) { return blink_once() == 0; }
                """,
            flags: ["-O1", "-fno-omit-frame-pointer"])
        defer { program.remove() }
        let binary = program.path
        let directory = program.directory

        // Each run of blink is gone long before `print` reads the map.
        let script = directory.appendingPathComponent("exited.bpfsh")
        try """
        s = tracepoint:syscalls:sys_enter_getppid /comm == "blink"/ { @s[ustack] = count(); }
        ! for i in 1 2 3 4 5; do \(binary); done
        wait 200ms
        print @s
        """.write(to: script, atomically: true, encoding: .utf8)
        let result = try CommandRunner.run(KernelTestGate.executable, [script.path], readyMarker: nil, timeout: 60)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("@s["), result.stdout)
        XCTAssertNotNil(
            result.stdout.range(of: #"blink_once\+\d+\n\s*main\+\d+"#, options: .regularExpression),
            "the exited process's frames by name:\n\(result.stdout)")
        XCTAssertNil(
            result.stdout.range(of: #"\n\s*0x[0-9a-f]{6,}\n\s*(blink_once|main)"#, options: .regularExpression),
            result.stdout)
    }
}
