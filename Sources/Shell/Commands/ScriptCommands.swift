import Foundation
import Language
import Tables

/// Commands for scripts and transcripts: running a script, its parameters and expectations,
/// recording what is typed, history, and notebooks.
enum ScriptCommands {
    static let all: [Command] = [
        Command(
            name: "source", usage: "source FILE [NAME=VALUE...] [--keep-going] [--max-wait DURATION]",
            summary: "run a session script here; its probes and tables stay in this session",
            details: "--max-wait caps the idle waits a recording kept (wait Ns  # idle), not the typed ones.",
            argument: .file
        ) { shell, args, _ in
            var words = args.filter { $0 != "--keep-going" }
            let usage = CommandError("usage: source FILE [NAME=VALUE...] [--keep-going] [--max-wait DURATION]")
            var maxWait: Double?
            if let index = words.firstIndex(of: "--max-wait") {
                guard index + 1 < words.count, let seconds = Duration.seconds(words[index + 1]) else { throw usage }
                maxWait = seconds
                words.removeSubrange(index...(index + 1))
            }
            guard let path = words.first else { throw usage }
            let parameters = try ParameterSubstitution.parse(Array(words.dropFirst()))
            let outcome = ScriptRunner(keepGoing: args.contains("--keep-going"), maxWait: maxWait).run(
                path: path, parameters: parameters, in: shell)
            if !outcome.succeeded {
                throw CommandError(
                    "\(path): \(outcome.failures.count) statement\(outcome.failures.count == 1 ? "" : "s") failed")
            }
        },
        Command(
            name: "param", usage: "param NAME = DEFAULT",
            summary: "declare a script parameter ${NAME} with its default",
            details: "Values given on the command line (bpfsh FILE.bpfsh NAME=VALUE) or to source win over the default."
        ) { shell, args, rest in
            let parts = rest.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, ParameterSubstitution.isName(parts[0]) else {
                throw CommandError("usage: param NAME = DEFAULT")
            }
            let value =
                parts[1].count >= 2 && parts[1].hasPrefix("\"") && parts[1].hasSuffix("\"")
                ? String(parts[1].dropFirst().dropLast()) : parts[1]
            if shell.parameters[parts[0]] == nil { shell.parameters[parts[0]] = value }
        },
        Command(
            name: "expect",
            usage: "expect TABLE [CHECK] | expect output ~ TEXT",
            summary: "check a result (scripts run with --check fail when one does not hold)",
            details:
                "CHECK is has KEY, where COND, rows OP N, value OP N, value in A..B, p50 OP N (p90, p99, max) "
                + "or share where COND OP N%; expect file PATH [~ TEXT]; a trailing else \"WHY\" says what "
                + "this machine cannot show instead of failing. "
                + "expect output reset forgets the probe output seen so far.", argument: .map
        ) { shell, args, rest in
            if args == ["output", "reset"] {
                shell.probeOutputLog = ""
                return
            }
            let statement = try Expectation.Statement.parse(args)
            let (held, detail) = statement.expectation.check(
                table: { try? shell.tables.table($0) }, output: shell.probeOutputLog)
            let text = "expect " + (statement.otherwise == nil ? rest : rest.components(separatedBy: " else ")[0])
            let unshown = held ? nil : statement.otherwise
            shell.expectationResults.append(ExpectationResult(text: text, held: held, detail: detail, unshown: unshown))
            if let unshown {
                shell.print("not shown on this machine: \(unshown) (\(detail))")
            } else if held {
                shell.print("ok: expect \(rest) (\(detail))")
            } else {
                shell.printError(
                    (shell.scriptLocation.map { "\($0.file):\($0.line): " } ?? "")
                        + "expectation failed: expect \(rest): \(detail)")
            }
        },
        Command(
            name: "record", usage: "record FILE [--force] | record stop",
            summary: "write what you type from now on as a replayable script",
            argument: .file
        ) { shell, args, _ in
            guard let path = args.first else {
                shell.print(shell.recorder.map { "recording to \($0.path)" } ?? "not recording (record FILE starts)")
                return
            }
            if path == "stop" {
                guard let recorder = shell.recorder else { throw CommandError("not recording") }
                // A recording that cannot be saved goes on, so `record stop` can be tried again.
                try recorder.finish()
                shell.recorder = nil
                shell.print("recording saved to \(recorder.path)")
                return
            }
            try shell.startRecording(to: path, force: args.contains("--force"))
            shell.print("recording to \(path): replay it with bpfsh \(path)")
        },
        Command(
            name: "history", usage: "history [save FILE [--force]]",
            summary: "the statements of this session, or save them as a script",
            argument: .file
        ) { shell, args, _ in
            if args.first == "save" {
                guard args.count >= 2 else { throw CommandError("usage: history save FILE [--force]") }
                let text = SessionRecorder.script(
                    of: shell.history,
                    header: shell.sessionHeader(title: "bpfsh session history").joined(separator: "\n"))
                try SafeFileWriter.write(text, to: args[1], force: args.contains("--force"))
                shell.print("history saved to \(args[1])")
                return
            }
            let rows = shell.history.enumerated().map { index, entry in
                [
                    String(index + 1), entry.succeeded ? "" : "failed",
                    entry.statement.split(separator: "\n").joined(separator: " ⏎ "),
                ]
            }
            if rows.isEmpty {
                shell.print("no statements yet")
                return
            }
            shell.showColumns(headers: ["#", "", "statement"], rows: rows)
        },
        Command(
            name: "notebook", usage: "notebook FILE.md | FILE.ipynb [--force] | notebook stop",
            summary: "write each statement and its output from now on as a Markdown or Jupyter notebook",
            argument: .file
        ) { shell, args, _ in
            guard let path = args.first else {
                shell.print(
                    shell.notebooks.isEmpty
                        ? "no notebook (notebook FILE.md starts one)"
                        : "writing " + shell.notebooks.map(\.path).joined(separator: ", "))
                return
            }
            if path == "stop" {
                guard !shell.notebooks.isEmpty else { throw CommandError("no notebook is being written") }
                // A notebook that cannot be saved goes on, so `notebook stop` can be tried again.
                var failures: [Error] = []
                let saved = shell.notebooks.filter { notebook in
                    do {
                        try notebook.finish()
                        return true
                    } catch {
                        failures.append(error)
                        return false
                    }
                }
                shell.notebooks.removeAll { notebook in saved.contains { $0 === notebook } }
                if !saved.isEmpty { shell.print("notebook saved to " + saved.map(\.path).joined(separator: ", ")) }
                if !failures.isEmpty { throw CommandError(failures.map { "\($0)" }.joined(separator: "\n")) }
                return
            }
            try shell.startNotebook(at: path, force: args.contains("--force"))
            shell.print("writing the notebook \(path)")
        },
    ]
}

extension Shell {
    /// Starts writing what is typed to `path` (`record`, `--record`).
    public func startRecording(to path: String, force: Bool) throws {
        if let recorder { throw CommandError("already recording to \(recorder.path) (record stop first)") }
        let recorder = try SessionRecorder(
            path: path, force: force,
            header: (sessionHeader(title: "bpfsh session recorded") + ["replay: bpfsh \(path)"]).joined(
                separator: "\n"),
            probesAttached: { [unowned self] in session.probes.contains { $0.state == .attached } })
        self.recorder = recorder
        listeners.append { [weak self, weak recorder] event in
            guard let self, let recorder, self.recorder === recorder else { return }
            if let report = recorder.observe(event) { self.report(report) }
        }
    }

    /// Starts a notebook of this session at `path` (`notebook`, `--notebook`).
    public func startNotebook(at path: String, force: Bool) throws {
        let lines = sessionHeader(title: "")
        let writer = try NotebookWriter(
            path: path, force: force, title: "bpfsh session", header: Array(lines.dropFirst()),
            startedInsideStatement: busy)
        notebooks.append(writer)
        listeners.append { [weak self, weak writer] event in
            guard let self, let writer, self.notebooks.contains(where: { $0 === writer }) else { return }
            if let report = writer.observe(event) { self.report(report) }
        }
    }

    /// Says at once that a transcript could not be written, or is whole again. Not an event:
    /// the notebook that failed could not hold it, and the statement itself succeeded.
    func report(_ report: TranscriptReport) {
        writeError(TerminalSafeText.escaped("\(report)") + "\n")
    }

    /// Writes the recording and notebooks a last time; false (after saying why) when one of
    /// them could not be saved whole.
    func finishTranscripts() -> Bool {
        var saved = true
        func attempt(_ finish: () throws -> Void) {
            do { try finish() } catch {
                writeError("\(error)\n")
                saved = false
            }
        }
        if let recorder { attempt(recorder.finish) }
        for notebook in notebooks { attempt(notebook.finish) }
        recorder = nil
        notebooks = []
        return saved
    }

    /// A title and the lines that say where and when this session ran.
    func sessionHeader(title: String) -> [String] {
        var name = utsname()
        uname(&name)
        func field<T>(_ value: T) -> String {
            withUnsafeBytes(of: value) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        let formatter = ISO8601DateFormatter()
        return [
            title, "kernel: Linux \(field(name.release)) \(field(name.machine))", "host: \(field(name.nodename))",
            "started: \(formatter.string(from: Date()))",
        ]
    }
}
