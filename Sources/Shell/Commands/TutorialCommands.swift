import Foundation

/// `tutorial`: lists the guided tutorials and the learner's progress, starts or resumes one,
/// runs one unattended (`--auto`), or prints one to read (no privileges needed).
enum TutorialCommands {
    static let all: [Command] = [
        Command(
            name: "tutorial", usage: "tutorial [NAME [STEP | read | restart | notebook FILE.ipynb] [--auto]]",
            summary: "guided exercises from BPF Performance Tools (cpus, memory); progress is remembered",
            details: "In a step, Enter runs the proposed command; next, back, skip, hint, again and quit move around."
        ) { shell, args, _ in
            let library = TutorialLibrary()
            guard let name = args.first else {
                let progress = TutorialProgress.load()
                let rows = try library.names().map { name -> [String] in
                    let tutorial = try library.load(name)
                    let entry = progress.tutorials[name]
                    let state =
                        entry.map {
                            "\($0.completed.count) of \(tutorial.steps.count) done, "
                                + "next step \(min($0.nextStep, tutorial.steps.count - 1) + 1) "
                                + progress.stepMarks(name, steps: tutorial.steps.count)
                        } ?? "not started"
                    return [name, String(tutorial.steps.count), state, tutorial.title]
                }
                if rows.isEmpty {
                    throw CommandError("no tutorials found (set BPFSH_TUTORIALS to the tutorials folder)")
                }
                shell.showColumns(headers: ["tutorial", "steps", "progress", "title"], rows: rows)
                shell.print("start one with: tutorial NAME")
                return
            }
            let tutorial = try library.load(name)
            let runner = TutorialRunner(tutorial: tutorial, shell: shell)
            // A jump to another tutorial from inside one ends the first before the next starts.
            func run(_ runner: TutorialRunner, from step: Int?) throws {
                var next = runner.runInteractively(from: step)
                while let jump = next {
                    let other = try library.load(jump.tutorial)
                    next = TutorialRunner(tutorial: other, shell: shell).runInteractively(
                        from: jump.step.map { min($0, other.steps.count - 1) })
                }
            }
            // Steps this machine cannot show (said as such) do not fail an unattended run.
            func checked(_ results: [TutorialRunner.StepResult]) throws {
                if results.contains(where: { !$0.held && $0.unshown == nil }) {
                    throw CommandError("\(name): some steps did not check out")
                }
            }
            switch args.dropFirst().first {
            case nil:
                try run(runner, from: nil)
            case "read":
                shell.print(TutorialText.render(tutorial))
            case "notebook":
                guard args.count >= 3, args[2].hasSuffix(".ipynb") else {
                    throw CommandError("usage: tutorial \(name) notebook FILE.ipynb [--force]")
                }
                try SafeFileWriter.write(
                    try TutorialNotebook.render(tutorial), to: args[2], force: args.contains("--force"))
                shell.print(
                    "wrote \(args[2]): \(tutorial.steps.count) steps as cells for the bpfsh kernel "
                        + "(jupyter lab \(args[2]))")
                shell.wroteFile(args[2])
            case "restart":
                try run(runner, from: 0)
            case "--auto":
                try checked(runner.runAutomatically())
            case let word? where args.count == 3 && args[2] == "--auto":
                guard let step = Int(word), (1...tutorial.steps.count).contains(step) else {
                    throw CommandError("usage: tutorial \(name) [1-\(tutorial.steps.count)] --auto")
                }
                try checked(runner.runAutomatically(steps: [step - 1]))
            case let word?:
                guard let step = Int(word), (1...tutorial.steps.count).contains(step) else {
                    throw CommandError("usage: tutorial \(name) [1-\(tutorial.steps.count) | read | restart | --auto]")
                }
                try run(runner, from: step - 1)
            }
        }
    ]
}

/// A tutorial as plain text to read, with its commands shown but not run.
enum TutorialText {
    static func render(_ tutorial: Tutorial) -> String {
        var out = "== \(tutorial.title) ==\n" + tutorial.introduction.joined(separator: "\n") + "\n"
        for (index, step) in tutorial.steps.enumerated() {
            out += "\n-- step \(index + 1): \(step.title) --\n"
            if !step.prose.isEmpty { out += step.prose.joined(separator: "\n") + "\n" }
            if !step.requires.isEmpty { out += "needs: " + step.requires.joined(separator: ", ") + "\n" }
            for statement in step.setup + step.proposals {
                out += "    " + statement.text.replacingOccurrences(of: "\n", with: "\n    ") + "\n"
            }
            if !step.crowded.isEmpty {
                out += "when other processes crowd the output:\n"
                for statement in step.crowded {
                    out += "    " + statement.text.replacingOccurrences(of: "\n", with: "\n    ") + "\n"
                }
            }
            for hint in step.hints { out += "hint: \(hint)\n" }
        }
        return out
    }
}
