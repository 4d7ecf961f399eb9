import Foundation
import TestSupport
import XCTest

@testable import Shell

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

    /// The 1-based steps whose checks may say what this machine cannot show (`else "WHY"`
    /// in a ```check block): they may end ○ instead of ✓.
    func gatedSteps(of name: String) throws -> Set<Int> {
        let text = try String(contentsOfFile: Self.tutorialsDirectory + "/\(name).md", encoding: .utf8)
        let tutorial = try Tutorial(name: name, path: name + ".md", text: text)
        return Set(
            tutorial.steps.indices.filter { tutorial.steps[$0].checks.contains { $0.text.contains(" else \"") } }
                .map { $0 + 1 })
    }

    /// Runs `bpfsh tutorial NAME [STEP] --auto` with the repository's tutorials and a fresh
    /// state directory (`withheld`: without the steps' workloads); returns its status and
    /// output (stdout then stderr).
    func runTutorial(
        _ name: String, step: Int? = nil, withheld: Bool = false
    ) throws -> (
        status: Int32, output: String, seconds: Double
    ) {
        let state = try temporaryDirectory("tutorial-\(name)")
        let arguments =
            ["BPFSH_TUTORIALS=" + Self.tutorialsDirectory, "BPFSH_STATE_DIR=" + state]
            + (withheld ? ["BPFSH_TUTORIAL_WITHHOLD=workload"] : [])
            + [KernelTestGate.executable.path, "tutorial", name] + (step.map { [String($0)] } ?? []) + ["--auto"]
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
        let gated = try gatedSteps(of: name)
        let run = try runTutorial(name)
        XCTAssertEqual(run.status, 0, "tutorial \(name) --auto failed:\n" + run.output)
        var unshown = 0
        for (index, title) in titles.enumerated() {
            XCTAssertTrue(
                run.output.contains("-- step \(index + 1) of \(titles.count): \(title) --"),
                "step \(index + 1) '\(title)' ran:\n" + run.output)
            // A step that needs the machine to show something (an idle CPU) may say it could not.
            if gated.contains(index + 1), run.output.contains("step \(index + 1) ○ not shown on this machine: ") {
                unshown += 1
                continue
            }
            XCTAssertTrue(
                run.output.contains("step \(index + 1) ✓"),
                "step \(index + 1) '\(title)' checked out:\n" + run.output)
        }
        XCTAssertFalse(run.output.contains("✗"), "no step failed:\n" + run.output)
        XCTAssertTrue(
            run.output.contains("\(titles.count - unshown) of \(titles.count) steps checked out"), run.output)
        print("tutorial \(name) --auto: \(titles.count) steps in \(String(format: "%.1f", run.seconds)) s")
    }

    func testCPUTutorialRunsUnattended() throws {
        try checkTutorial("cpus")
    }

    func testMemoryTutorialRunsUnattended() throws {
        try checkTutorial("memory")
    }

    /// Each strengthened check fails when its step runs without its workload, and its message
    /// says what is missing: the check tests the lesson, not that something ran.
    func checkWithheld(_ name: String, _ step: Int, says messages: [String]) throws {
        let run = try runTutorial(name, step: step, withheld: true)
        XCTAssertEqual(run.status, 1, "\(name) step \(step) without its workload must fail:\n" + run.output)
        XCTAssertTrue(run.output.contains("withheld: spawn "), run.output)
        let verdict = run.output.split(separator: "\n").first { $0.hasPrefix("step \(step) ") }.map(String.init) ?? ""
        XCTAssertTrue(verdict.hasPrefix("step \(step) ✗ "), "\(name) step \(step) failed:\n" + run.output)
        for message in messages {
            XCTAssertNotNil(
                verdict.range(of: message, options: .regularExpression),
                "\(name) step \(step) says '\(message)':\n" + verdict)
        }
    }

    func testUtilizationFailsWithoutTheLoopsOnCPU0() throws {
        try KernelTestGate.require()
        try checkWithheld(
            "cpus", 3, says: [#"expect @loops_us where key == 0 and value > 500000: (no row of|@loops_us is empty)"#])
    }

    func testRunqlatChecksTheMillisecondTimeSlice() throws {
        try KernelTestGate.require()
        try checkWithheld(
            "cpus", 5,
            says: [
                #"expect @sh_usecs p50 >= 1000: "#
                    + #"(@sh_usecs is empty: no values were recorded|p50 of @sh_usecs is in \[.*; expected >= 1 ms)"#
            ])
    }

    /// Another dd on the machine (a test, the first session) may be sampled: its stacks are
    /// not the direct-I/O path, so the share is 0% rather than an empty map.
    static let noShare = #".*(is empty: nothing was recorded, so no rows where|hold 0% of)"#

    func testTheDDProfileChecksTheDirectIOPath() throws {
        try KernelTestGate.require()
        try checkWithheld(
            "cpus", 7,
            says: [
                #"expect @dd_stacks share where key1 ~ iomap_dio or key1 ~ blockdev_direct_IO >= 25%: "# + Self.noShare
            ])
    }

    func testTheFlameGraphStepsCheckTheirTopFrames() throws {
        try KernelTestGate.require()
        try checkWithheld(
            "cpus", 8,
            says: [
                #"expect @dd_stacks share where key1 ~ iomap_dio .*"# + Self.noShare,
                #"expect file /tmp/bpfsh-cpu-flame.svg ~ iomap_dio_rw: "#
                    + #"/tmp/bpfsh-cpu-flame.svg \([0-9]+ bytes\) does not mention iomap_dio_rw"#,
            ])
        try checkWithheld(
            "cpus", 10,
            says: [
                #"expect @offcpu_us share where key1 ~ io_schedule >= 50%: .*"# + Self.noShare,
                #"expect file /tmp/bpfsh-offcpu-flame.svg ~ io_schedule: .* does not mention io_schedule"#,
            ])
    }

    func testOffCPUChecksTheIOWait() throws {
        try KernelTestGate.require()
        try checkWithheld(
            "cpus", 9, says: [#"expect @offcpu_us share where key1 ~ io_schedule >= 50%: "# + Self.noShare])
    }

    func testRunqlenNamesTheLoopThatRanWhileAnotherWaited() throws {
        try KernelTestGate.require()
        try checkWithheld(
            "cpus", 4,
            says: [#"expect @waiting where key1 == 0 and key2 == spin0 and value > 20: (no row of|@waiting is empty)"#])
    }

    func testInvoluntarySwitchesOfTheLoopsLastATimeSlice() throws {
        try KernelTestGate.require()
        try checkWithheld(
            "cpus", 14,
            says: [
                #"expect spin_involuntary p50 >= 1000: spin_involuntary is empty"#,
                #"expect bursty_voluntary p50 <= 4096: bursty_voluntary is empty"#,
            ])
    }

    func testUnclaimedNeedsTheWaitingLoops() throws {
        try KernelTestGate.require()
        try checkWithheld(
            "cpus", 15, says: [#"expect @unclaimed where key1 == 0 and key2 == spin0: (no row of|@unclaimed is empty)"#])
    }

    func testTheLogAndCpudistCheckTheirWorkloads() throws {
        try KernelTestGate.require()
        try checkWithheld(
            "cpus", 2, says: [#"expect file /tmp/bpfsh-execs-log.md ~ bin/date: .* does not mention bin/date"#])
        try checkWithheld("cpus", 13, says: [#"expect @bursty_us p50 >= 100: @bursty_us is empty"#])
    }

    func testMallocChecksBothHumps() throws {
        try KernelTestGate.require()
        try checkWithheld(
            "memory", 5,
            says: [#"expect @malloc_size p50 <= 128: @malloc_size is empty"#, #"expect @malloc_size max >= 32M: "#])
    }

    /// The OOM step makes its own 64 MB cgroup: it runs alone, without the reclaim step before it.
    func testTheOOMStepRunsWithoutTheStepBeforeIt() throws {
        try KernelTestGate.require()
        let run = try runTutorial("memory", step: 9)
        XCTAssertEqual(run.status, 0, run.output)
        XCTAssertTrue(run.output.contains("step 9 ✓"), run.output)
        XCTAssertFalse(run.output.contains("-- step 8 of"), "only step 9 ran:\n" + run.output)
    }
}
