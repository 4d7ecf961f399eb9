import Foundation
import TestSupport
import XCTest

/// One-shot runs through the compiled-program cache: a warm run (code from the cache) prints
/// exactly what the cold run (code from LLVM) printed.
final class CompiledProgramCacheRunTests: XCTestCase {
    let programs = [
        #"BEGIN { printf("hello %d %s\n", 42, "x"); exit(); }"#,
        #"BEGIN { @a[1] = 10; @a[2] = 20; @b = count(); @h = hist(5); print(@a); exit(); } END { printf("end\n"); }"#,
        #"BEGIN { $i = 0; while ($i < 3) { printf("%d\n", $i * $1); $i++; } exit(); }"#,
        // A plain value, not count(): BPF reads only its own CPU's share of an aggregation.
        #"interval:ms:50 { @i = @i + 1; if (@i == 2) { exit(); } } tracepoint:sched:sched_switch { @s = count(); } END { printf("i %d\n", @i); clear(@s); }"#,
    ]

    func run(_ program: String, cache: String, environment: [String: String] = [:]) throws -> (output: String, cached: Bool) {
        let run = try ShellProcess(
            arguments: ["-e", program, "7"],
            environment: ["BPFSH_CACHE_DIR": cache, "BPFSH_TIMING": "1"].merging(environment) { $1 })
        XCTAssertNotNil(run.waitForExit(seconds: 30), program)
        XCTAssertEqual(run.exitCode, 0, run.output)
        let lines = run.output.split(separator: "\n", omittingEmptySubsequences: false)
        let output = lines.filter { !$0.hasPrefix("bpfsh timing") }.joined(separator: "\n")
        let cached = lines.contains { $0.hasPrefix("bpfsh timing compile") && $0.hasSuffix("(cached)") }
        return (output, cached)
    }

    func testAWarmRunPrintsWhatTheColdRunPrinted() throws {
        try KernelTestGate.require()
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("bpfsh-cache-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: cache) }
        for program in programs {
            let cold = try run(program, cache: cache)
            let warm = try run(program, cache: cache)
            XCTAssertFalse(cold.cached, program)
            XCTAssertTrue(warm.cached, "the second run's code came from the cache: \(program)\n\(warm.output)")
            XCTAssertEqual(warm.output, cold.output, program)
        }
        let entries = try FileManager.default.contentsOfDirectory(atPath: cache).filter { $0.hasSuffix(".bpfc") }
        XCTAssertEqual(entries.count, programs.count)
        // With the cache off nothing is read or written.
        let off = try ShellProcess(
            arguments: ["-e", programs[0]], environment: ["BPFSH_CACHE_DIR": cache + "-off", "BPFSH_CACHE": "0"])
        XCTAssertNotNil(off.waitForExit(seconds: 30))
        XCTAssertFalse(FileManager.default.fileExists(atPath: cache + "-off"))
    }

    /// LLVM is loaded only to compile: a warm run works without it, a cold one says why it
    /// cannot compile and fails cleanly.
    func testAWarmRunNeedsNoLLVM() throws {
        try KernelTestGate.require()
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("bpfsh-cache-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: cache) }
        let noLLVM = ["BPFSH_LLVM_LIBRARY": "/nonexistent/libbpfsh-llvm.so"]
        let program = programs[1]
        let cold = try run(program, cache: cache)
        let warm = try run(program, cache: cache, environment: noLLVM)
        XCTAssertTrue(warm.cached, warm.output)
        XCTAssertEqual(warm.output, cold.output)

        let uncached = try ShellProcess(
            arguments: ["-e", programs[0]], environment: noLLVM.merging(["BPFSH_CACHE": "0"]) { $1 })
        XCTAssertNotNil(uncached.waitForExit(seconds: 30))
        XCTAssertEqual(uncached.exitCode, 1, uncached.output)
        XCTAssertTrue(uncached.output.contains("LLVM could not be loaded (/nonexistent/libbpfsh-llvm.so"), uncached.output)
        XCTAssertFalse(uncached.output.contains("hello"), uncached.output)
    }
}
