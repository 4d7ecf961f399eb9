import Foundation
import TestSupport
import XCTest

/// `usdt:` probes on a program built here with `<sys/sdt.h>` (Debian's systemtap-sdt-dev):
/// they fire with their arguments decoded from the ELF note (registers at -O1, stack memory at
/// -O0), and a probe behind a semaphore runs because the kernel counts the attachment in it.
final class UsdtProbeTests: XCTestCase {
    static let source = """
        #define _SDT_HAS_SEMAPHORES 1
        #include <sys/sdt.h>
        #include <stdio.h>
        #include <unistd.h>
        /* With _SDT_HAS_SEMAPHORES every probe has one; only tick's guards its site. */
        unsigned short bpfsh_test_tick_semaphore __attribute__((unused)) __attribute__((section(".probes")));
        unsigned short bpfsh_test_loop_semaphore __attribute__((unused)) __attribute__((section(".probes")));
        unsigned short bpfsh_test_total_semaphore __attribute__((unused)) __attribute__((section(".probes")));
        long bpfsh_test_total = 7;  /* at -O1 its argument is read as bpfsh_test_total(%rip) */
        int main(void) {
            const char *word = "hello";
            puts(word);  /* the string's page is mapped before a probe reads it */
            fflush(stdout);
            for (long i = 0; i < 500; i++) {
                int negative = -(int)i;
                DTRACE_PROBE3(bpfsh_test, loop, i, negative, word);
                DTRACE_PROBE1(bpfsh_test, total, bpfsh_test_total);
                if (__builtin_expect(bpfsh_test_tick_semaphore, 0)) DTRACE_PROBE1(bpfsh_test, tick, i * 10);
                usleep(5000);
            }
            return 0;
        }
        """

    func build(optimization: String, source text: String = source, name: String = "ticker") throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bpfsh-usdt-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        let source = directory.appendingPathComponent("\(name).c")
        try text.write(to: source, atomically: true, encoding: .utf8)
        let binary = directory.appendingPathComponent("\(name)\(optimization)").path
        guard FileManager.default.fileExists(atPath: "/usr/include/x86_64-linux-gnu/sys/sdt.h") else {
            throw XCTSkip("<sys/sdt.h> is missing: apt-get install systemtap-sdt-dev (scripts/setup does)")
        }
        let compiler = try CommandRunner.run(
            URL(fileURLWithPath: "/usr/bin/cc"), [optimization, "-o", binary, source.path], readyMarker: nil,
            timeout: 60)
        XCTAssertEqual(compiler.status, 0, compiler.stderr)
        return binary
    }

    func testAUSDTProbeFiresWithItsArgumentsAndSemaphore() throws {
        try KernelTestGate.require()
        for optimization in ["-O1", "-O0"] {
            let binary = try build(optimization: optimization)
            let result = try CommandRunner.run(
                KernelTestGate.executable,
                [
                    "-e",
                    """
                    usdt:\(binary):bpfsh_test:loop /arg0 == 3/ { printf("%s %d %d %s\\n", probe, arg0, arg1, str(arg2)); }
                    usdt:\(binary):tick /arg0 == 40/ { printf("tick %d\\n", arg0); exit(); }
                    usdt:\(binary):total /arg0 != 7/ { printf("total %d\\n", arg0); }
                    usdt:\(binary):total { @totals = count(); }
                    """,
                    "-c", binary,
                ], readyMarker: nil, timeout: 30)
            XCTAssertEqual(result.status, 0, "\(optimization): \(result.stderr)")
            XCTAssertTrue(
                result.stdout.contains("usdt:\(binary):bpfsh_test:loop 3 -3 hello\n"), "\(optimization): \(result.stdout)")
            XCTAssertTrue(result.stdout.contains("tick 40\n"), "\(optimization): \(result.stdout)")
            XCTAssertTrue(result.stdout.contains("@totals: "), "\(optimization): \(result.stdout)")
            XCTAssertFalse(result.stdout.contains("total "), "\(optimization): \(result.stdout)")
        }
    }

    /// `usdt:*:PROBE -p PID` searches the files the process maps (its program and libraries).
    func testAWildcardBinaryUnderPIDFindsTheProcesssProbes() throws {
        try KernelTestGate.require()
        let binary = try build(optimization: "-O1")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        let result = try CommandRunner.run(
            KernelTestGate.executable,
            [
                "-p", String(process.processIdentifier), "-e",
                #"usdt:*:bpfsh_test:loop /arg0 > 2/ { printf("%s %d\n", probe, arg0 + arg1); exit(); }"#,
            ], readyMarker: nil, timeout: 30)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("usdt:\(binary):bpfsh_test:loop 0\n"), result.stdout)
    }

    /// A probe inlined in two places keeps its arguments in different places at each (here a
    /// register, and a constant at the second): each site gets a program of its own.
    func testSitesWithTheirArgumentsInDifferentPlacesEachReadTheirOwn() throws {
        try KernelTestGate.require()
        let binary = try build(
            optimization: "-O2",
            source: """
                #include <sys/sdt.h>
                #include <unistd.h>
                static inline __attribute__((always_inline)) void hit(long a, long b) {
                    DTRACE_PROBE2(bpfsh_test, hit, a, b);
                }
                int main(void) {
                    for (long i = 1; i < 300; i++) { hit(i, i * 2); hit(i * 3, 7); usleep(5000); }
                    return 0;
                }
                """, name: "inlined")
        let result = try CommandRunner.run(
            KernelTestGate.executable,
            [
                "-e",
                #"usdt:\#(binary):hit /arg0 == 3 || arg0 == 9/ { printf("%d %d\n", arg0, arg1); } "#
                    + #"usdt:\#(binary):hit /arg0 > 20/ { exit(); }"#,
                "-c", binary,
            ], readyMarker: nil, timeout: 30)
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = Set(result.stdout.split(separator: "\n").map(String.init))
        XCTAssertTrue(lines.isSuperset(of: ["3 7", "3 6", "9 7"]), result.stdout)
        XCTAssertFalse(lines.contains { $0.hasPrefix("9 ") && $0 != "9 7" && $0 != "9 18" }, result.stdout)
    }

    func testListingShowsTheBinarysProbes() throws {
        let binary = try build(optimization: "-O1")
        let result = try CommandRunner.run(
            KernelTestGate.executable, ["-l", "usdt:\(binary):*"], readyMarker: nil, timeout: 30)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(
            Set(result.stdout.split(separator: "\n").map(String.init)),
            ["usdt:\(binary):bpfsh_test:loop", "usdt:\(binary):bpfsh_test:tick", "usdt:\(binary):bpfsh_test:total"])
    }

    func testAMissingUSDTProbeIsNamedWithTheOnesThereAre() throws {
        try KernelTestGate.require()
        let binary = try build(optimization: "-O1")
        let result = try CommandRunner.run(
            KernelTestGate.executable, ["-e", "usdt:\(binary):nosuch { }"], readyMarker: nil, timeout: 30)
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("No matches for usdt \(binary):nosuch"), result.stderr)
        XCTAssertTrue(result.stderr.contains("bpfsh_test:loop"), result.stderr)
    }
}
