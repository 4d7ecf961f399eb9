import Foundation
import Language
import Session

/// Wires the shell to the running kernel and the terminal (or a non-terminal stdin), for the
/// interactive shell, session scripts and tutorials alike.
public enum ShellLauncher {
    /// What the command line asked of the shell beyond the session options.
    public struct Transcripts {
        public var record: String?
        public var notebooks: [String] = []
        public var force = false
        public init() {}
    }

    /// Runs the interactive shell until the user leaves; returns the exit status.
    public static func run(
        options: TracingSession.Options, transcripts: Transcripts = Transcripts(), historyPath: String? = nil,
        firstStatement: String? = nil, parameters: [String: String] = [:]
    ) -> Int32 {
        let interactive = isatty(STDIN_FILENO) != 0
        let history =
            historyPath ?? ProcessInfo.processInfo.environment["BPFSH_HISTORY"]
            ?? (UserDirectories.home() as NSString).appendingPathComponent(".bpfsh_history")
        let reader: LineReader = (interactive ? EditLineReader(historyPath: history) : nil) ?? PlainLineReader()
        let (shell, system) = makeShell(options: options, reader: reader)
        guard start(transcripts, in: shell) else {
            shell.shutdown()
            return 2
        }
        // Without the capabilities, say which are missing and what still works, then go on.
        if let report = system.privilegesReport { fputs(report, stderr) }
        if interactive {
            CompilerWarmup.start()
            fputs("bpfsh 0.1 · Linux \(kernelRelease()) · \(system.featureBanner())\n", stdout)
            fputs("type help for commands; NAME = PROBE { ... } defines a probe\n", stdout)
        }
        if let editor = reader as? EditLineReader {
            shell.completionSource = system.completionSource()
            shell.tutorialNames = TutorialLibrary().names()
            editor.complete = { [weak shell] before in shell?.makeCompleter()?.complete(before) ?? ("", []) }
        }
        shell.parameters = parameters
        if let firstStatement {
            shell.execute(firstStatement)
            if firstStatement.hasPrefix("source "), interactive {
                fputs(
                    "\nThe session's probes and tables are still live: `probes`, `top @MAP`, `help`, `tutorial cpus`.\n",
                    stdout)
            }
        }
        shell.run()
        // A recording or notebook that could not be saved whole is an error, not a quiet exit 0.
        let saved = shell.shutdown()
        if interactive { fputs("\n", stdout) }
        return saved ? 0 : 1
    }

    /// Runs a session script (`bpfsh FILE.bpfsh NAME=VALUE...`) and tears the session down.
    /// With `check`, the exit status says whether every expectation held (1 when one did not,
    /// or the script stopped on an error, or it expects nothing).
    public static func runScript(
        path: String, parameters: [String: String], options: TracingSession.Options,
        transcripts: Transcripts = Transcripts(), keepGoing: Bool, check: Bool, maxWait: Double? = nil
    ) -> Int32 {
        let (shell, system) = makeShell(options: options, reader: PlainLineReader())
        guard start(transcripts, in: shell) else {
            shell.shutdown()
            return 2
        }
        if let report = system.privilegesReport { fputs(report, stderr) }
        let outcome = ScriptRunner(keepGoing: keepGoing, maxWait: maxWait).run(
            path: path, parameters: parameters, in: shell)
        let saved = shell.shutdown()
        let results = shell.expectationResults
        guard check else { return outcome.succeeded && saved ? 0 : 1 }
        let held = results.filter(\.held).count
        let unshown = results.filter { $0.unshown != nil }.count
        var summary = "check \(path): \(held) of \(results.count) expectation\(results.count == 1 ? "" : "s") held"
        if unshown > 0 { summary += ", \(unshown) not shown on this machine" }
        if !outcome.succeeded {
            summary += ", \(outcome.failures.count) statement\(outcome.failures.count == 1 ? "" : "s") failed"
        }
        if results.isEmpty { summary += " (the script expects nothing: add expect lines)" }
        let passed = outcome.succeeded && !results.isEmpty && held + unshown == results.count
        fputs(summary + (passed ? "" : " · FAILED") + "\n", passed ? stdout : stderr)
        return passed && saved ? 0 : 1
    }

    /// A shell on the live kernel, and the live system it runs on.
    public static func makeShell(options: TracingSession.Options, reader: LineReader) -> (Shell, LiveSystem) {
        let system = LiveSystem()
        var shell: Shell!
        let session = system.makeSession(options: options, write: { text in shell?.probeOutput(text) })
        // Everything for standard output goes through one non-blocking queue, so a terminal
        // that lags (or a self-feeding probe) never blocks the shell.
        let terminal = TerminalOutput()
        shell = Shell(
            session: session, reader: reader,
            output: { text in terminal.write(text, kind: .command) },
            errors: { text in terminal.writeError(text) },
            featureReport: { (system.featureBanner(), system.featureReport()) })
        shell.terminal = terminal
        shell.missingFeature = { system.missingFeature(named: $0) }
        // A closed terminal or pipe ends the session as SIGHUP does, instead of failing
        // every write from then on.
        terminal.onClosed = { ShellInterrupt.requestTermination() }
        let waiter: InputWaiter?
        if let editor = reader as? EditLineReader {
            editor.attach(output: terminal)
            editor.onHistoryReport = { [weak shell] in shell?.report($0) }
            editor.prepareAhead = { [weak shell] in shell?.prepareAhead($0) }
            waiter = editor.waiter
        } else if let plain = reader as? PlainLineReader {
            plain.waiter.output = terminal
            waiter = plain.waiter
        } else {
            waiter = nil
        }
        waiter?.eventFD = { [weak session] in session?.eventReadinessFD ?? -1 }
        waiter?.pumpEvents = { [weak shell] in shell?.pumpEvents() }
        ShellInterrupt.install()
        signal(SIGPIPE, SIG_IGN)
        return (shell, system)
    }

    /// `bpfsh tutorial [NAME [STEP | read | restart]] [--auto]`: with `auto`, every step
    /// unattended (exit status 1 unless all checked out); listing and reading print and end;
    /// otherwise the interactive shell opens in the tutorial.
    public static func runTutorial(
        _ words: [String], auto: Bool, options: TracingSession.Options, transcripts: Transcripts = Transcripts()
    ) -> Int32 {
        let writesNotebook = words.dropFirst().first == "notebook"
        let statement =
            (["tutorial"] + words + (auto ? ["--auto"] : [])
            + (writesNotebook && transcripts.force ? ["--force"] : [])).joined(separator: " ")
        guard auto || words.isEmpty || words.last == "read" || writesNotebook else {
            return run(options: options, transcripts: transcripts, firstStatement: statement)
        }
        let (shell, _) = makeShell(options: options, reader: PlainLineReader())
        guard start(transcripts, in: shell) else {
            shell.shutdown()
            return 2
        }
        let succeeded = shell.execute(statement)
        let saved = shell.shutdown()
        return succeeded && saved ? 0 : 1
    }

    /// Starts the recording and notebooks the command line asked for; false (after saying
    /// why) when one cannot be written.
    static func start(_ transcripts: Transcripts, in shell: Shell) -> Bool {
        do {
            if let path = transcripts.record { try shell.startRecording(to: path, force: transcripts.force) }
            for path in transcripts.notebooks { try shell.startNotebook(at: path, force: transcripts.force) }
            return true
        } catch {
            fputs("bpfsh: \(error)\n", stderr)
            return false
        }
    }

    static func kernelRelease() -> String {
        var name = utsname()
        uname(&name)
        return withUnsafeBytes(of: name.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
}
