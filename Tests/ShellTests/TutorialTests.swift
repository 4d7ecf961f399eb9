import Foundation
import LanguageTestSupport
import Session
import TestSupport
import XCTest

@testable import Shell

final class TutorialFormatTests: XCTestCase {
    let sample = """
        # Sample tutorial
        Why this matters.

        ## Count switches
        Each switch is a context switch.
        ```setup
        spawn sleep 100
        ```
        ```bpfsh
        sw = tracepoint:sched:sched_switch {
          @s[comm] = count();
        }
        print @s
        ```
        ```text
        sample output is prose
        ```
        ```check
        expect @s
        ```
        Hint: is anything running?

        ## Needs kprobes
        Requires: kprobes, fentry
        ```bpfsh
        k = kprobe:vfs_read { @r = count(); }
        ```
        ```equivalent
        r = tracepoint:syscalls:sys_enter_read { @r = count(); }
        ```
        ```equivalent-check
        expect @r
        ```
        """

    func testParsesStepsBlocksHintsAndRequirements() throws {
        let tutorial = try Tutorial(name: "sample", path: "sample.md", text: sample)
        XCTAssertEqual(tutorial.title, "Sample tutorial")
        XCTAssertEqual(tutorial.introduction, ["Why this matters."])
        XCTAssertEqual(tutorial.steps.map(\.title), ["Count switches", "Needs kprobes"])
        let first = tutorial.steps[0]
        XCTAssertEqual(first.setup.map(\.text), ["spawn sleep 100"])
        XCTAssertEqual(first.proposals.map(\.line), [10, 13], "lines count in the tutorial file")
        XCTAssertEqual(first.checks.map(\.text), ["expect @s"])
        XCTAssertEqual(first.hints, ["is anything running?"])
        XCTAssertTrue(first.prose.contains("sample output is prose"))
        XCTAssertEqual(tutorial.steps[1].requires, ["kprobes", "fentry"])
        XCTAssertEqual(tutorial.steps[1].equivalentChecks.map(\.text), ["expect @r"])
    }

    func testFormatErrorsNameTheLine() {
        func error(_ text: String) -> String {
            do {
                _ = try Tutorial(name: "t", path: "t.md", text: text)
                return "no error"
            } catch { return "\(error)" }
        }
        XCTAssertEqual(
            error("# T\n```bpfsh\nprint @x\n```"), "t.md:2: error: a ```bpfsh block before the first ## step")
        XCTAssertEqual(error("# T\n## S\n```bpfsh\nprint @x\n"), "t.md:3: error: this ```bpfsh block is never closed")
        XCTAssertEqual(error("# T\n## S\nonly prose"), "t.md:2: error: step 'S' proposes nothing: add a ```bpfsh block")
        XCTAssertEqual(error("# T\nno steps"), "t.md:1: error: no steps: each step starts with a '## ' heading")
    }

    func testAutomaticRunUsesTheEquivalentWhenAFeatureIsMissing() throws {
        let fake = FakeShell()
        fake.shell.missingFeature = { $0 == "kprobes" ? "no kprobe PMU" : nil }
        let tutorial = try Tutorial(
            name: "sample", path: "sample.md",
            text: sample.replacingOccurrences(of: "spawn sleep 100", with: "wait 1ms"))
        let results = TutorialRunner(
            tutorial: tutorial, shell: fake.shell, progressPath: try temporaryDirectory() + "/p.json"
        ).runAutomatically()
        XCTAssertEqual(results.map(\.held), [false, false], "fake maps stay empty, so the checks cannot hold")
        XCTAssertTrue(fake.out.contains("This step needs kprobes, which this kernel lacks: no kprobe PMU"), fake.out)
        XCTAssertTrue(fake.out.contains("On a kernel with it you would run:\n    k = kprobe:vfs_read"), fake.out)
        XCTAssertTrue(fake.out.contains("r attached"), "the equivalent ran:\n" + fake.out)
        XCTAssertFalse(fake.out.contains("k attached"), fake.out)
        XCTAssertTrue(fake.out.contains("look at: is anything running?"), fake.out)
        XCTAssertTrue(fake.shell.session.probes.isEmpty, "each step cleans up its probes")
    }

    func testAStepTheMachineCannotShowSaysSoInsteadOfPassingOrFailing() throws {
        // Fake maps stay empty: the "else" check cannot hold. In the middle it stops the step's
        // remaining checks (the lesson is not shown: ○); last, the step's lesson held (✓ with a note).
        let text = """
            # Gates
            ## Needs an idle CPU
            ```bpfsh
            wait 1ms
            ```
            ```check
            expect output !~ anything
            expect @idle_us else "no other CPU was idle"
            expect @unclaimed has 0
            ```
            ## Shows its lesson, not the contrast
            ```bpfsh
            wait 1ms
            ```
            ```check
            expect output !~ anything
            expect @idle_us else "no other CPU was idle"
            ```
            """
        let fake = FakeShell()
        let tutorial = try Tutorial(name: "gates", path: "gates.md", text: text)
        let results = TutorialRunner(
            tutorial: tutorial, shell: fake.shell, progressPath: try temporaryDirectory() + "/p.json",
            withholdsWorkload: false
        ).runAutomatically()
        XCTAssertEqual(results.map(\.held), [false, true])
        XCTAssertEqual(results.map(\.unshown), ["no other CPU was idle", "no other CPU was idle"])
        XCTAssertTrue(fake.out.contains("step 1 ○ not shown on this machine: no other CPU was idle"), fake.out)
        XCTAssertFalse(fake.out.contains("expect @unclaimed has 0"), "the checks after it are not run:\n" + fake.out)
        XCTAssertTrue(
            fake.out.contains("step 2 ✓ 1 of 2 checks held; not shown on this machine: no other CPU was idle"),
            fake.out
        )
        XCTAssertTrue(
            fake.out.contains("Gates: 1 of 2 steps checked out, 1 could not be shown on this machine"), fake.out)
    }

    func testACrowdedStepProposesItsFilterOnce() throws {
        let text = """
            # Crowd
            ## Execs
            ```bpfsh
            execs = tracepoint:sched:sched_process_exec { @execs[comm] = count(); }
            print @execs
            ```
            ```crowded
            execs = tracepoint:sched:sched_process_exec /comm == "man"/ { @execs[comm] = count(); }
            print @execs
            ```
            """
        let tutorial = try Tutorial(name: "crowd", path: "crowd.md", text: text)
        XCTAssertEqual(tutorial.steps[0].crowded.count, 2)
        let fake = FakeShell()
        let runner = TutorialRunner(
            tutorial: tutorial, shell: fake.shell, progressPath: try temporaryDirectory() + "/p.json",
            withholdsWorkload: false)
        var plan = runner.plan(tutorial.steps[0])
        fake.shell.probeOutputLog = "1 sh /bin/sh\n"
        runner.offerFilterIfCrowded(tutorial.steps[0], in: &plan, at: 1)
        XCTAssertEqual(plan.statements.count, 2, "a few lines are not a crowd")
        fake.shell.probeOutputLog = (1...30).map { "\($0) cc1 /usr/bin/cc1\n" }.joined()
        runner.offerFilterIfCrowded(tutorial.steps[0], in: &plan, at: 1)
        XCTAssertEqual(plan.statements.map(\.text)[1], tutorial.steps[0].crowded[0].text, "the filter comes next")
        XCTAssertEqual(plan.statements.count, 3)
        XCTAssertTrue(fake.out.contains("30 lines of probe output already: other processes' events drown"), fake.out)
        runner.offerFilterIfCrowded(tutorial.steps[0], in: &plan, at: 2)
        XCTAssertEqual(
            plan.statements.map(\.text).filter { $0 == "print @execs" }.count, 1, "print @execs runs once, filtered")
        XCTAssertEqual(plan.statements.count, 3, "proposed once")
    }

    func testTheLearnersOwnVersionOfAProbeIsNotProposedAgain() throws {
        let fake = FakeShell(lines: [
            #"sw = tracepoint:sched:sched_switch /pid > 0/ { @s[comm] = count(); }"#, "", "quit",
        ])
        let tutorial = try Tutorial(
            name: "sample", path: "sample.md",
            text: sample.replacingOccurrences(of: "spawn sleep 100", with: "wait 1ms"))
        TutorialRunner(tutorial: tutorial, shell: fake.shell, progressPath: try temporaryDirectory() + "/p.json")
            .runInteractively()
        XCTAssertTrue(fake.out.contains("(your sw takes the place of the proposed one)"), fake.out)
        XCTAssertEqual(fake.out.components(separatedBy: "try: sw = ").count - 1, 1, "proposed once:\n" + fake.out)
        XCTAssertTrue(fake.out.contains("try: print @s"), fake.out)
    }

    func testSkipDoesNotOfferAWaitForNothing() throws {
        let text = """
            # Skip
            ## Count
            ```bpfsh
            sw = tracepoint:sched:sched_switch { @s[comm] = count(); }
            wait 1s
            print @s
            ```
            """
        let fake = FakeShell(lines: ["skip", "quit"])
        let tutorial = try Tutorial(name: "skip", path: "skip.md", text: text)
        TutorialRunner(tutorial: tutorial, shell: fake.shell, progressPath: try temporaryDirectory() + "/p.json")
            .runInteractively()
        XCTAssertTrue(fake.out.contains("skipped wait 1s too: no probe is attached to wait for"), fake.out)
        XCTAssertFalse(fake.out.contains("try: wait 1s"), fake.out)
        XCTAssertTrue(fake.out.contains("try: print @s"), fake.out)
    }

    func testATutorialIsANotebookOfItsSteps() throws {
        let tutorial = try Tutorial(name: "sample", path: "sample.md", text: sample)
        let data = try TutorialNotebook.render(tutorial)
        let document = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let metadata = try XCTUnwrap(document["metadata"] as? [String: Any])
        XCTAssertEqual((metadata["kernelspec"] as? [String: String])?["name"], "bpfsh")
        let cells = try XCTUnwrap(document["cells"] as? [[String: Any]])
        func source(_ cell: [String: Any]) -> String { (cell["source"] as? [String] ?? []).joined() }
        let shown = cells.map { "\($0["cell_type"]!): " + source($0).split(separator: "\n").first.map(String.init)! }
        XCTAssertEqual(
            shown,
            [
                "markdown: # Sample tutorial", "markdown: ## 1. Count switches", "code: # the step's workload",
                "code: sw = tracepoint:sched:sched_switch {", "code: print @s", "code: # check",
                "markdown: > Hint: is anything running?", "code: # clean up before the next step",
                "markdown: ## 2. Needs kprobes", "code: k = kprobe:vfs_read { @r = count(); }",
                "markdown: Without kprobes, fentry, the closest equivalent this kernel allows:",
                "code: r = tracepoint:syscalls:sys_enter_read { @r = count(); }", "code: # check",
                "code: # clean up before the next step",
            ])
        XCTAssertEqual(source(cells[2]), "# the step's workload\nspawn sleep 100")
        XCTAssertTrue(source(cells[7]).hasSuffix("stop all\ndrop all\nforget unused"), source(cells[7]))
        XCTAssertTrue(
            cells.filter { $0["cell_type"] as? String == "code" }.allSatisfy {
                ($0["outputs"] as? [Any])?.isEmpty == true
            })

        // The command writes it, never over a file without --force.
        let directory = try temporaryDirectory()
        let library = directory + "/tutorials"
        try FileManager.default.createDirectory(atPath: library, withIntermediateDirectories: true)
        try sample.write(toFile: library + "/sample.md", atomically: true, encoding: .utf8)
        setenv("BPFSH_TUTORIALS", library, 1)
        defer { unsetenv("BPFSH_TUTORIALS") }
        let fake = FakeShell()
        XCTAssertTrue(fake.shell.execute("tutorial sample notebook \(directory)/sample.ipynb"), fake.err)
        XCTAssertTrue(fake.out.contains("wrote \(directory)/sample.ipynb: 2 steps as cells"), fake.out)
        XCTAssertFalse(fake.shell.execute("tutorial sample notebook \(directory)/sample.ipynb"))
        XCTAssertTrue(fake.shell.execute("tutorial sample notebook \(directory)/sample.ipynb --force"), fake.err)
        XCTAssertFalse(fake.shell.execute("tutorial sample notebook \(directory)/sample.txt"))
    }

    func testWithheldWorkloadsAreNotStarted() throws {
        let fake = FakeShell()
        let tutorial = try Tutorial(name: "sample", path: "sample.md", text: sample)
        _ = TutorialRunner(
            tutorial: tutorial, shell: fake.shell, progressPath: try temporaryDirectory() + "/p.json",
            withholdsWorkload: true
        ).runAutomatically(steps: [0])
        XCTAssertTrue(fake.out.contains("withheld: spawn sleep 100"), fake.out)
        XCTAssertNil(
            fake.out.range(of: #"\[1\] [0-9]+ sleep 100"#, options: .regularExpression),
            "nothing was started:\n" + fake.out)
    }

    func testLearnerLoopRunsProposalsOwnCommandsAndRemembersProgress() throws {
        let progressPath = try temporaryDirectory() + "/progress.json"
        let fake = FakeShell(lines: ["hint", "", "probes", "", "next", "quit"])
        let tutorial = try Tutorial(
            name: "sample", path: "sample.md",
            text: sample.replacingOccurrences(of: "spawn sleep 100", with: "wait 1ms"))
        TutorialRunner(tutorial: tutorial, shell: fake.shell, progressPath: progressPath).runInteractively()
        XCTAssertTrue(fake.out.contains("hint: is anything running?"), fake.out)
        XCTAssertTrue(fake.out.contains("sw attached"), fake.out)
        XCTAssertNotNil(
            fake.out.range(of: #"sw\s+attached\s+tracepoint:sched:sched_switch"#, options: .regularExpression),
            "the learner's own command ran between proposals:\n" + fake.out)
        XCTAssertTrue(fake.out.contains("✗ the check did not hold"), fake.out)
        XCTAssertTrue(fake.out.contains("left sample at step 2 of 2"), fake.out)
        XCTAssertEqual(TutorialProgress.load(from: progressPath).tutorials["sample"]?.nextStep, 1)
    }

    func testTutorialTypedInsideATutorialMovesWithinItNeverNests() throws {
        let progressPath = try temporaryDirectory() + "/progress.json"
        // At step 1 the learner jumps to step 2, then back to 1 by name, then quits.
        let fake = FakeShell(lines: ["tutorial sample 2", "tutorial sample 1", "quit"])
        let tutorial = try Tutorial(
            name: "sample", path: "sample.md",
            text: sample.replacingOccurrences(of: "spawn sleep 100", with: "wait 1ms"))
        let next = TutorialRunner(tutorial: tutorial, shell: fake.shell, progressPath: progressPath)
            .runInteractively()
        XCTAssertNil(next)
        XCTAssertEqual(
            fake.out.components(separatedBy: "== Sample tutorial").count - 1, 1, "one tutorial:\n\(fake.out)")
        let headers = fake.out.split(separator: "\n").filter { $0.hasPrefix("-- step") }
        XCTAssertEqual(
            headers,
            [
                "-- step 1 of 2: Count switches --", "-- step 2 of 2: Needs kprobes --",
                "-- step 1 of 2: Count switches --",
            ])
        XCTAssertTrue(fake.out.hasSuffix("left sample at step 1 of 2: tutorial sample resumes here\n"), fake.out)

        // Another tutorial's name ends this one and hands the jump to the caller.
        let other = FakeShell(lines: ["tutorial memory 3"])
        let jump = TutorialRunner(tutorial: tutorial, shell: other.shell, progressPath: progressPath)
            .runInteractively()
        XCTAssertEqual(jump, TutorialRunner.Jump(tutorial: "memory", step: 2))
    }

    func testProgressIsMergedStepByStepUnderHome() throws {
        let directory = try temporaryDirectory()
        let path = TutorialProgress.path(environment: ["HOME": directory])
        XCTAssertEqual(path, directory + "/.local/state/bpfsh/tutorials.json", "a fresh HOME is a fresh learner")
        XCTAssertEqual(
            TutorialProgress.path(environment: ["HOME": directory, "XDG_STATE_HOME": "/x/state"]),
            "/x/state/bpfsh/tutorials.json")
        try TutorialProgress.record("cpus", nextStep: 16, completed: 15, at: path)
        try TutorialProgress.record("cpus", nextStep: 9, completed: 8, at: path)
        try TutorialProgress.record("memory", nextStep: 2, completed: 1, at: path)
        let progress = TutorialProgress.load(from: path)
        XCTAssertEqual(progress.tutorials["cpus"]?.completed, [8, 15], "steps done earlier are kept")
        XCTAssertEqual(progress.tutorials["cpus"]?.nextStep, 9)
        XCTAssertEqual(progress.stepMarks("cpus", steps: 17), "········✓›·····✓·")
        XCTAssertThrowsError(try TutorialProgress.record("cpus", nextStep: 1, at: "/proc/no/such/dir/p.json"))
    }
}
