import Foundation
import TestSupport
import XCTest

/// The guided tutorials in `tutorials/` run unattended (`bpfsh tutorial NAME --auto`) against
/// the real kernel: every step's workload, probes and checks, as CI runs them.
final class TutorialAutoTests: XCTestCase {
    /// The repository's tutorials folder, found from this file's place in the checkout.
    static let tutorialsDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("tutorials").path

    /// The `## ` step titles of a tutorial file, in order.
    func stepTitles(of name: String) throws -> [String] {
        let text = try String(contentsOfFile: Self.tutorialsDirectory + "/\(name).md", encoding: .utf8)
        var titles: [String] = []
        var inFence = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") {
                inFence.toggle()
                continue
            }
            if !inFence, line.hasPrefix("## ") { titles.append(line.dropFirst(3).trimmingCharacters(in: .whitespaces)) }
        }
        return titles
    }

    /// Runs `bpfsh tutorial NAME --auto` with the repository's tutorials and a fresh state
    /// directory; returns its status and output (stdout then stderr).
    func runTutorial(_ name: String) throws -> (status: Int32, output: String, seconds: Double) {
        let state = try temporaryDirectory("tutorial-\(name)")
        let arguments = [
            "BPFSH_TUTORIALS=" + Self.tutorialsDirectory, "BPFSH_STATE_DIR=" + state,
            KernelTestGate.executable.path, "tutorial", name, "--auto",
        ]
        let quoted = arguments.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(
            separator: " ")
        let started = Date()
        let result = try CommandRunner.run(
            URL(fileURLWithPath: "/bin/sh"), ["-c", "exec env \(quoted) < /dev/null 2>&1"],
            readyMarker: nil, timeout: 180)
        XCTAssertFalse(result.timedOut, "tutorial \(name) --auto did not finish in 180 s:\n" + result.stdout)
        return (result.status, result.stdout, Date().timeIntervalSince(started))
    }

    func checkTutorial(_ name: String) throws {
        try KernelTestGate.require()
        let titles = try stepTitles(of: name)
        XCTAssertGreaterThan(titles.count, 5, "\(name).md has its steps")
        let run = try runTutorial(name)
        XCTAssertEqual(run.status, 0, "tutorial \(name) --auto failed:\n" + run.output)
        for (index, title) in titles.enumerated() {
            XCTAssertTrue(
                run.output.contains("-- step \(index + 1) of \(titles.count): \(title) --"),
                "step \(index + 1) '\(title)' ran:\n" + run.output)
            XCTAssertTrue(
                run.output.contains("step \(index + 1) ✓"), "step \(index + 1) '\(title)' checked out:\n" + run.output)
        }
        XCTAssertFalse(run.output.contains("✗"), "no step failed:\n" + run.output)
        XCTAssertTrue(run.output.contains("\(titles.count) of \(titles.count) steps checked out"), run.output)
        print("tutorial \(name) --auto: \(titles.count) steps in \(String(format: "%.1f", run.seconds)) s")
    }

    func testCPUTutorialRunsUnattended() throws {
        try checkTutorial("cpus")
    }

    func testMemoryTutorialRunsUnattended() throws {
        try checkTutorial("memory")
    }
}
