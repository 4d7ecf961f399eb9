import Foundation

/// Walks a learner (or `--auto`) through a tutorial's steps in a shell: explains, proposes each
/// command (Enter runs it, or the learner types their own), checks the result, and cleans up.
public final class TutorialRunner {
    public struct StepResult {
        public var title: String
        public var held: Bool
        /// Why not, or that the step ran an equivalent for a missing kernel feature.
        public var note: String
        /// What this machine could not show (a check's `else "WHY"`): the step neither held
        /// nor failed when nothing it teaches could be judged.
        public var unshown: String? = nil
    }

    let tutorial: Tutorial
    let shell: Shell
    let progressPath: String
    /// Runs steps without their workloads (`spawn`s), so a test can see each check fail and
    /// say what is missing: `BPFSH_TUTORIAL_WITHHOLD=workload`.
    let withholdsWorkload: Bool

    public init(
        tutorial: Tutorial, shell: Shell, progressPath: String = TutorialProgress.path(),
        withholdsWorkload: Bool = ProcessInfo.processInfo.environment["BPFSH_TUTORIAL_WITHHOLD"] == "workload"
    ) {
        self.tutorial = tutorial
        self.shell = shell
        self.progressPath = progressPath
        self.withholdsWorkload = withholdsWorkload
    }

    // MARK: Without a person

    /// Runs every step (or the given ones), checking each; the results say which held. A step
    /// that this machine cannot show is not counted against the tutorial.
    public func runAutomatically(steps only: [Int]? = nil) -> [StepResult] {
        shell.print(banner())
        if withholdsWorkload { shell.print("(workloads withheld: every spawn is skipped, so the checks should fail)") }
        var results: [StepResult] = []
        for index in only ?? Array(tutorial.steps.indices) {
            let step = tutorial.steps[index]
            var plan = begin(index)
            var failed: [String] = []
            var position = 0
            while position < plan.statements.count {
                let statement = plan.statements[position]
                if !execute(statement) { failed.append("line \(statement.line) failed") }
                position += 1
                offerFilterIfCrowded(step, in: &plan, at: position)
            }
            let check = runChecks(plan.checks)
            failed += check.failures
            finish(step)
            let held = failed.isEmpty && check.shown
            if !failed.isEmpty {
                shell.print("step \(index + 1) ✗ " + failed.joined(separator: "; "))
                if !step.hints.isEmpty { shell.print("look at: " + step.hints.joined(separator: " ")) }
            } else if !check.shown {
                shell.print("step \(index + 1) ○ not shown on this machine: \(check.unshown ?? "")")
            } else {
                shell.print(
                    "step \(index + 1) ✓ \(check.summary)"
                        + (check.unshown.map { "; not shown on this machine: \($0)" } ?? ""))
            }
            results.append(
                StepResult(
                    title: step.title, held: held, note: plan.note ?? "", unshown: failed.isEmpty ? check.unshown : nil)
            )
        }
        let held = results.filter(\.held).count
        let unshown = results.filter { !$0.held && $0.unshown != nil }.count
        shell.print(
            "\n\(tutorial.title): \(held) of \(results.count) steps checked out"
                + (unshown > 0 ? ", \(unshown) could not be shown on this machine" : ""))
        return results
    }

    // MARK: With a learner

    /// Where `tutorial NAME [STEP]`, typed inside a tutorial, goes: a step of this tutorial is a
    /// jump within it; another tutorial replaces this one. Tutorials never nest.
    public struct Jump: Equatable {
        public var tutorial: String
        /// A 0-based step, or nil to resume where the learner left off.
        public var step: Int?
    }

    /// The interactive loop: returns when the learner quits or finishes, or the other tutorial
    /// the learner asked for (the caller starts it, so this one has ended first).
    @discardableResult
    public func runInteractively(from start: Int? = nil) -> Jump? {
        let progress = TutorialProgress.load(from: progressPath)
        var index = start ?? progress.tutorials[tutorial.name]?.nextStep ?? 0
        if index >= tutorial.steps.count { index = 0 }
        shell.print(banner())
        shell.print(
            "Enter runs the command after try:, or type your own. Words: next, back, skip, hint, again, quit.\n")
        while index < tutorial.steps.count {
            record(nextStep: index)
            switch runStep(index) {
            case .completed:
                record(nextStep: index + 1, completed: index)
                index += 1
            case .next: index += 1
            case .back: index = max(0, index - 1)
            case .again: break
            case .jump(let jump) where jump.tutorial == tutorial.name:
                index = min(jump.step ?? index, tutorial.steps.count - 1)
            case .jump(let jump):
                shell.print("left \(tutorial.name) at step \(index + 1) of \(tutorial.steps.count)")
                return jump
            case .quit:
                shell.print(
                    "left \(tutorial.name) at step \(index + 1) of \(tutorial.steps.count): "
                        + "tutorial \(tutorial.name) resumes here"
                )
                return nil
            }
        }
        record(nextStep: tutorial.steps.count)
        let done = TutorialProgress.load(from: progressPath).tutorials[tutorial.name]?.completed.count ?? 0
        shell.print("\(tutorial.title): finished (\(done) of \(tutorial.steps.count) steps checked out)")
        return nil
    }

    /// Progress is written at every step; a failed write is said at once (the tutorial goes on,
    /// and the next step's write tries again).
    private func record(nextStep: Int, completed: Int? = nil) {
        do {
            try TutorialProgress.record(tutorial.name, nextStep: nextStep, completed: completed, at: progressPath)
        } catch {
            shell.printError("tutorial progress not saved to \(progressPath): \(error)")
        }
    }

    /// `tutorial NAME [STEP]` typed at a step, as a jump; nil for anything else (`tutorial`
    /// alone lists, `tutorial NAME read` prints: those run as usual).
    func jump(in typed: String) -> Jump? {
        let words = typed.split(separator: " ").map(String.init)
        guard words.first == "tutorial", words.count >= 2, words.count <= 3 else { return nil }
        guard words.count == 3 else { return Jump(tutorial: words[1], step: nil) }
        if words[2] == "restart" { return Jump(tutorial: words[1], step: 0) }
        guard let step = Int(words[2]), step >= 1 else { return nil }
        return Jump(tutorial: words[1], step: step - 1)
    }

    enum Move: Equatable { case next, back, again, quit, completed, jump(Jump) }

    private func runStep(_ index: Int) -> Move {
        let step = tutorial.steps[index]
        var plan = begin(index)
        defer { finish(step) }
        let prompt = "tutorial \(tutorial.name) \(index + 1)/\(tutorial.steps.count)> "
        var proposal = 0
        while proposal < plan.statements.count {
            let statement = plan.statements[proposal]
            shell.print(
                "\n  try: "
                    + statement.text.split(separator: "\n", omittingEmptySubsequences: false).joined(
                        separator: "\n       "))
            guard let typed = readStatement(prompt: prompt) else { return .quit }
            switch typed {
            case "":
                _ = execute(statement)
                proposal += 1
                offerFilterIfCrowded(step, in: &plan, at: proposal)
            case "skip":
                proposal += 1
                proposal = skippingPointlessWaits(plan.statements, from: proposal)
            case "next": return .next
            case "back": return .back
            case "again": return .again
            case "quit", "exit": return .quit
            case "hint": shell.print(hints(step))
            case let other where jump(in: other) != nil:
                return .jump(jump(in: other)!)
            default:
                // The learner's own command runs; the proposal stays on offer, unless the
                // command was the learner's own version of it (the same probe, defined).
                let succeeded = shell.execute(typed)
                if succeeded, let mine = StatementClassifier.definition(typed)?.0,
                    StatementClassifier.definition(statement.text)?.0 == mine
                {
                    shell.print("(your \(mine) takes the place of the proposed one)")
                    proposal += 1
                }
                offerFilterIfCrowded(step, in: &plan, at: proposal)
            }
        }
        let check = runChecks(plan.checks)
        if check.failures.isEmpty && !check.shown {
            // The learner did the step; the machine could not show its case, and says why.
            shell.print("○ this machine could not show it: \(check.unshown ?? "")")
            return .completed
        }
        if check.failures.isEmpty {
            shell.print(
                "✓ " + (check.summary.isEmpty ? "step done" : check.summary)
                    + (check.unshown.map { "\n  not shown on this machine: \($0)" } ?? ""))
            return .completed
        }
        shell.print("✗ the check did not hold: " + check.failures.joined(separator: "; ") + "\n" + hints(step))
        shell.print("Enter or next moves on; again redoes the step.")
        guard let answer = readStatement(prompt: prompt) else { return .quit }
        switch answer {
        case "again": return .again
        case "back": return .back
        case "quit", "exit": return .quit
        default: return .next
        }
    }

    /// A whole statement from the learner (a probe may span lines); nil at end of input.
    private func readStatement(prompt: String) -> String? {
        // While the learner types, probe output goes above the prompt, as at the shell's own.
        let wasBusy = shell.busy
        shell.busy = false
        defer { shell.busy = wasBusy }
        var assembler = InputAssembler()
        defer { shell.continuedLines = [] }
        while true {
            shell.continuedLines = assembler.pending
            let (line, interrupted) = shell.reader.readLine(prompt: assembler.isContinuing ? "  ...> " : prompt)
            if interrupted {
                assembler.reset()
                continue
            }
            guard let line else { return nil }
            if let statement = assembler.add(line) {
                let trimmed = statement.trimmingCharacters(in: .whitespacesAndNewlines)
                if !trimmed.isEmpty { shell.reader.remember(trimmed) }
                return trimmed
            }
        }
    }

    // MARK: Shared

    struct Plan {
        var statements: [ScriptFile.Statement]
        var checks: [ScriptFile.Statement]
        var note: String?
        /// Whether the ```crowded filter was proposed already (once per step).
        var offeredFilter = false
    }

    /// What the step runs here: its own commands, or its equivalent when the kernel lacks a
    /// feature it requires (saying so, and showing what it would have run).
    func plan(_ step: Tutorial.Step) -> Plan {
        let missing = step.requires.compactMap { feature in shell.missingFeature?(feature).map { (feature, $0) } }
        guard !missing.isEmpty else { return Plan(statements: step.proposals, checks: step.checks) }
        var note =
            missing.map { "This step needs \($0.0), which this kernel lacks: \($0.1)" }.joined(separator: "\n") + "\n"
        if !step.proposals.isEmpty {
            note +=
                "On a kernel with it you would run:\n"
                + step.proposals.map { "    " + $0.text.replacingOccurrences(of: "\n", with: "\n    ") }.joined(
                    separator: "\n") + "\n"
        }
        note +=
            step.equivalent.isEmpty
            ? "There is no equivalent here: moving on." : "Here is the closest equivalent this kernel allows:"
        return Plan(statements: step.equivalent, checks: step.equivalentChecks, note: note)
    }

    private func execute(_ statement: ScriptFile.Statement) -> Bool {
        if isWithheld(statement) {
            shell.print("withheld: " + statement.text)
            return true
        }
        shell.scriptLocation = (tutorial.path, statement.line)
        defer { shell.scriptLocation = nil }
        if !shell.reader.isInteractive { shell.print("bpfsh> " + statement.text) }
        return shell.execute(statement.text)
    }

    /// Shows a step (its explanation too, so an unattended run or its notebook reads like the
    /// tutorial), runs its setup, and returns what it will run here.
    private func begin(_ index: Int) -> Plan {
        let step = tutorial.steps[index]
        shell.print(header(index))
        if !step.prose.isEmpty { shell.print(step.prose.joined(separator: "\n")) }
        let plan = self.plan(step)
        if let note = plan.note { shell.print(note) }
        prepare(step)
        return plan
    }

    private func prepare(_ step: Tutorial.Step) {
        shell.probeOutputLog = ""
        for statement in step.setup { _ = execute(statement) }
    }

    /// Lines of probe output past which a step's output counts as crowded by other processes.
    static let crowdedLines = 20

    /// When other processes' output drowns the step's (more than `crowdedLines` lines) and the
    /// step has a ```crowded block, says so once and proposes that block next (the same
    /// probe with a filter for the workload).
    func offerFilterIfCrowded(_ step: Tutorial.Step, in plan: inout Plan, at position: Int) {
        guard !step.crowded.isEmpty, !plan.offeredFilter else { return }
        let lines = shell.probeOutputLog.split(separator: "\n").count
        guard lines > TutorialRunner.crowdedLines else { return }
        plan.offeredFilter = true
        shell.print(
            "\(lines) lines of probe output already: other processes' events drown this step's. "
                + "A filter keeps the workload's; it comes next.")
        // What is left of the step and the filter repeats (print @execs) runs once, filtered.
        let at = min(position, plan.statements.count)
        let repeated = Set(step.crowded.map(\.text))
        let rest = plan.statements[at...].filter { !repeated.contains($0.text) }
        plan.statements = Array(plan.statements[..<at]) + step.crowded + rest
    }

    /// After a skipped proposal, a `wait` with no probe attached waits for nothing: it is
    /// skipped too, and said so.
    func skippingPointlessWaits(_ statements: [ScriptFile.Statement], from start: Int) -> Int {
        var position = start
        while position < statements.count, statements[position].text.hasPrefix("wait "),
            !shell.session.probes.contains(where: { $0.state == .attached })
        {
            shell.print("skipped \(statements[position].text) too: no probe is attached to wait for")
            position += 1
        }
        return position
    }

    /// A workload statement `BPFSH_TUTORIAL_WITHHOLD=workload` skips.
    func isWithheld(_ statement: ScriptFile.Statement) -> Bool {
        withholdsWorkload && statement.text.hasPrefix("spawn ")
    }

    /// Stops the step's workloads and probes and forgets their maps, so the next step starts
    /// clean and may use the same map names with other types.
    private func finish(_ step: Tutorial.Step) {
        for statement in step.cleanup ?? [] { _ = execute(statement) }
        shell.workloads.stopAll()
        for probe in shell.session.probes { try? shell.session.drop(probe.name) }
        shell.session.forgetUnusedMaps()
    }

    struct CheckOutcome {
        var failures: [String]
        var summary: String
        /// What the machine could not show: the checks after it were not run.
        var unshown: String?
        /// False when the checks that depend on what could not be shown were not run: the
        /// step teaches something this machine did not show.
        var shown: Bool
    }

    /// Runs the checks in order; one that says what the machine cannot show (`else "WHY"`)
    /// and does not hold ends them, since what follows depends on it.
    func runChecks(_ checks: [ScriptFile.Statement]) -> CheckOutcome {
        let before = shell.expectationResults.count
        var failures: [String] = []
        var unshown: String?
        var skipped = false
        for (position, statement) in checks.enumerated() {
            if !execute(statement) { failures.append("line \(statement.line) failed") }
            if let last = shell.expectationResults.last, shell.expectationResults.count > before,
                let why = last.unshown
            {
                unshown = why
                skipped = position < checks.count - 1
                break
            }
        }
        let results = shell.expectationResults.dropFirst(before)
        failures += results.filter { !$0.held && $0.unshown == nil }.map { "\($0.text): \($0.detail)" }
        let held = results.filter(\.held).count
        let summary = held == 0 ? "" : "\(held) of \(results.count) checks held"
        return CheckOutcome(failures: failures, summary: summary, unshown: unshown, shown: !skipped)
    }

    private func hints(_ step: Tutorial.Step) -> String {
        step.hints.isEmpty ? "no hint for this step" : step.hints.map { "hint: " + $0 }.joined(separator: "\n")
    }

    private func banner() -> String {
        "== \(tutorial.title) · \(tutorial.steps.count) steps ==\n" + tutorial.introduction.joined(separator: "\n")
    }

    private func header(_ index: Int) -> String {
        "\n-- step \(index + 1) of \(tutorial.steps.count): \(tutorial.steps[index].title) --"
    }
}
