import Foundation
import TestSupport
import XCTest

/// The library of ready session scripts in `sessions/`: every one runs against the real
/// kernel with `bpfsh --check` and every expectation in it holds.
final class SessionLibraryTests: XCTestCase {
    /// The repository's `sessions/` folder, from this file's place in `Tests/ShellTests/`.
    static let sessionsFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("sessions")

    static func sessionScripts() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: sessionsFolder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "bpfsh" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    func testTheLibraryHasTheSessionsOfIssue5() throws {
        let names = Set(try Self.sessionScripts().map { $0.deletingPathExtension().lastPathComponent })
        XCTAssertGreaterThanOrEqual(names.count, 8, "sessions: \(names.sorted())")
        for name in [
            "cpu-overview", "syscalls", "process-lifecycle", "offcpu", "page-faults", "malloc-bytes",
            "memory-pressure", "block-io",
        ] {
            XCTAssertTrue(names.contains(name), "sessions/\(name).bpfsh is missing")
        }
    }

    func testEverySessionPassesItsCheck() throws {
        try KernelTestGate.require()
        let scripts = try Self.sessionScripts()
        XCTAssertGreaterThanOrEqual(scripts.count, 8, "the library holds \(scripts.count) sessions")
        for script in scripts {
            let started = Date()
            let result = try CommandRunner.run(
                KernelTestGate.executable, ["--check", script.path], readyMarker: nil, timeout: 60)
            let seconds = Date().timeIntervalSince(started)
            let output = "--- stdout\n\(result.stdout)\n--- stderr\n\(result.stderr)"
            let name = script.lastPathComponent
            XCTAssertFalse(result.timedOut, "\(name) did not finish within 60 s\n\(output)")
            XCTAssertEqual(result.status, 0, "bpfsh --check \(name) failed\n\(output)")
            let summary = result.stdout.split(separator: "\n").last { $0.hasPrefix("check ") } ?? ""
            let counts = Self.expectationCounts(String(summary))
            XCTAssertNotNil(counts, "\(name): no 'N of N expectations held' summary\n\(output)")
            if let (held, total) = counts {
                XCTAssertGreaterThan(total, 0, "\(name) expects nothing\n\(output)")
                XCTAssertEqual(held, total, "\(name): \(summary)\n\(output)")
            }
            print("session \(name): \(summary) in \(String(format: "%.1f", seconds)) s")
        }
    }

    /// `scripts/run` without a terminal runs the guided first session this way: it exits 0 and
    /// its output shows what bpfsh is (the probes listing, a table, a histogram with
    /// percentiles, one probe detached while the other runs, the flame graph's path).
    func testTheFirstSessionRunsWithoutATerminalAndShowsItsTables() throws {
        try KernelTestGate.require()
        let script = Self.sessionsFolder.appendingPathComponent("first-session.bpfsh").path
        let result = try CommandRunner.run(KernelTestGate.executable, [script], readyMarker: nil, timeout: 90)
        let output = "--- stdout\n\(result.stdout)\n--- stderr\n\(result.stderr)"
        XCTAssertFalse(result.timedOut, output)
        XCTAssertEqual(result.status, 0, output)
        for pattern in [
            #"(?m)^cpu\s+attached\s+profile:hz:99"#, #"(?m)^reads\s+attached\s+tracepoint:syscalls:sys_enter_read"#,
            #"(?m)^key\s+@reads$"#, #"(?m)^dd\s+[1-9][0-9]*$"#, #"values · p50 [<≥]"#, #"(?m)^reads detached"#,
            #"wrote \S+\.svg \(flame graph\)"#,
        ] {
            XCTAssertNotNil(result.stdout.range(of: pattern, options: .regularExpression), "\(pattern)\n\(output)")
        }
    }

    /// (held, total) from `check FILE: N of M expectations held`.
    static func expectationCounts(_ summary: String) -> (Int, Int)? {
        guard let range = summary.range(of: #"(\d+) of (\d+) expectations? held"#, options: .regularExpression) else {
            return nil
        }
        let numbers = summary[range].split(separator: " ").compactMap { Int($0) }
        return numbers.count == 2 ? (numbers[0], numbers[1]) : nil
    }
}
