import Foundation
import Language
import Session
import Tables

/// The interactive shell: reads statements, defines probes (`NAME = PROGRAM`, or a pasted
/// program that gets a name), runs commands from the command table, and prints probe output
/// above the prompt while the user types.
public final class Shell {
    public let session: TracingSession
    public let reader: LineReader
    public let commands: [Command]
    let writeOutput: (String) -> Void
    let writeError: (String) -> Void
    public let workloads = Workloads()
    /// Says once when the ring buffer lost events or a map filled up.
    let losses = LossReporter()
    /// Live maps and kept tables (snapshots, loaded files), by name.
    public private(set) lazy var tables = TableStore(session: session)
    var quitRequested = false
    /// The lines of an unclosed probe before the one being read (`...>`): compiled ahead with it.
    var continuedLines: [String] = []
    /// How many statements are running inside each other (a script's statements run inside
    /// `source`, a tutorial's inside `tutorial`).
    private var statementDepth = 0
    /// True while a command runs (its own output goes straight out, not above a prompt).
    var busy = false
    /// Probe text above the prompt waiting for the end of its line: `time("%H:%M:%S ")` and
    /// the printf after it come as two events but are one line, as bpftrace prints them. The
    /// rest of a line goes out at the end of the slice of events it came in.
    var partialProbeLine = ""
    /// Only the kernel feature report needs a live kernel; tests pass nil.
    let featureReport: (() -> (banner: String, report: String))?
    /// Why the kernel cannot do a named feature (`kprobes`, `fentry`, `pmcs`...), or nil when it
    /// can; tutorials use it to pick a step's equivalent. Nil in tests without a kernel.
    public var missingFeature: ((String) -> String?)?
    /// Everything that happens, for the recorder, the notebook and `history`.
    var listeners: [(ShellEvent) -> Void] = []
    /// Every statement run in this session, in order, with whether it succeeded.
    public private(set) var history: [(statement: String, succeeded: Bool)] = []
    /// What probes printed since the last `expect output reset` (capped), for `expect output`.
    public internal(set) var probeOutputLog = ""
    /// Expectations checked so far, for `--check` and tutorial steps.
    public internal(set) var expectationResults: [ExpectationResult] = []
    /// Values for `${NAME}` in statements (script parameters and `param` defaults).
    public var parameters: [String: String] = [:]
    /// The script being sourced, if any: errors name its file and line.
    var scriptLocation: (file: String, line: Int)?
    /// The scripts being run, outermost first, each with the line that is running: `source`
    /// refuses a file already on it (a cycle) and a chain deeper than `ScriptRunner.maximumDepth`.
    var scriptChain: [(file: String, identity: String, line: Int)] = []
    /// Drains probe output in bounded slices between keystrokes and commands.
    public private(set) lazy var pump = EventPump(session: session)
    /// The terminal's non-blocking output queue (the launcher sets it; tests write straight
    /// through `output`). Probe text it cannot take in time is hidden and summarized.
    public var terminal: TerminalOutput?
    /// The last lines probes printed, for `output` (shown or not).
    public internal(set) var recentLines = RecentLines()
    /// The running tutorial and recorder and notebooks, when one is on.
    var recorder: SessionRecorder?
    var notebooks: [NotebookWriter] = []
    /// Where tab completion finds attach points (the live kernel's catalogue); nil in tests.
    public var completionSource: CompletionSource?
    /// Tutorial names for completing `tutorial NAME`.
    public var tutorialNames: [String] = []
    /// Events of a statement run by `capture`, instead of the terminal and listeners.
    private var capturedEvents: [ShellEvent]?
    /// Set when Ctrl-C or an `interrupt` request cut the running statement short.
    var statementInterrupted = false
    /// While a script replays with `--max-wait`: the longest an idle wait (`wait Ns  # idle`,
    /// time a recording spent between statements) may last. Typed waits are never cut.
    public var maxIdleWait: Double?
    /// Series sampled in the background, each when its next sample is due.
    var backgroundSeries: [BackgroundSeries] = []
    /// While `monitor` is open: what the shell would have printed meanwhile.
    var monitorHeld: MonitorHeldOutput?

    public init(
        session: TracingSession, reader: LineReader, output: @escaping (String) -> Void,
        errors: @escaping (String) -> Void, featureReport: (() -> (banner: String, report: String))? = nil
    ) {
        self.session = session
        self.reader = reader
        self.writeOutput = output
        self.writeError = errors
        self.featureReport = featureReport
        self.commands = CommandTable.all
    }

    public func print(_ text: String) {
        emit(.output(ShellEvent.line(text)))
    }

    /// Prints an error; control characters in it (a NUL typed in a statement) are escaped.
    public func printError(_ text: String) {
        let safe = TerminalSafeText.escaped(text)
        emit(.error(ShellErrorReport(message: safe.hasSuffix("\n") ? safe : safe + "\n")))
    }

    /// Prints a table; the notebook and the protocol keep it as a table (a map of histograms
    /// as histograms) rather than text.
    public func show(_ table: MapTable, text: String) {
        if table.rows.contains(where: { if case .histogram = $0.cell { return true } else { return false } }) {
            emit(.histogram(ShellHistograms(table, text: text)))
        } else {
            emit(.table(ShellTable(table, text: text)))
        }
    }

    /// Prints rows under headers; the notebook keeps them as a table.
    public func showColumns(headers: [String], rows: [[String]]) {
        emit(.table(ShellTable(headers: headers, rows: rows, text: ColumnText.render(headers: headers, rows: rows))))
    }

    /// Prints histograms; the notebook and the protocol get their buckets.
    func showHistograms(_ histograms: [(label: String, histogram: Histogram)], text: String) {
        emit(.histogram(ShellHistograms(histograms, text: text)))
    }

    /// Reports a file a command wrote (a flame graph the notebook links to).
    func wroteFile(_ path: String) { emit(.file(path)) }

    /// Shows an event on the terminal, then tells the listeners (recorder, notebooks, the
    /// protocol). While `capture` runs, a statement's own events go to it instead.
    func emit(_ event: ShellEvent) {
        if capturedEvents != nil, !event.isProbeActivity {
            capturedEvents?.append(event)
            return
        }
        if let (text, stream) = event.terminalText { showOnTerminal(text, stream) }
        for listener in listeners { listener(event) }
    }

    private func showOnTerminal(_ text: String, _ stream: ShellEvent.TerminalStream) {
        // `monitor` owns the screen: what would be printed waits until it closes.
        if monitorHeld != nil {
            monitorHeld?.hold(text, isProbeOutput: stream == .probe)
            return
        }
        switch stream {
        case .output: writeOutput(text)
        case .error: writeError(text)
        case .probe:
            // Above the prompt while the user is typing.
            if reader.isInteractive && !busy {
                let combined = partialProbeLine + text
                guard let newline = combined.lastIndex(of: "\n") else {
                    partialProbeLine = combined
                    return
                }
                partialProbeLine = String(combined[combined.index(after: newline)...])
                reader.printAbovePrompt(String(combined[...newline]))
            } else if let terminal {
                terminal.write(text, kind: .probe)
            } else {
                writeOutput(text)
            }
        case .notice:
            // The shell's own word while probes run: above the prompt and never hidden.
            if reader.isInteractive && !busy {
                reader.printNoticeAbovePrompt(text)
            } else {
                writeOutput(text)
            }
        }
    }

    /// Runs `body` (a statement run for `inspect`) and returns its events instead of showing
    /// them; probe output that arrives meanwhile goes out as usual.
    public func capture(_ body: () -> Void) -> [ShellEvent] {
        let outer = capturedEvents
        capturedEvents = []
        body()
        let events = capturedEvents ?? []
        capturedEvents = outer
        return events
    }

    /// Text a running probe printed: above the prompt while the user is typing.
    public func probeOutput(_ text: String) {
        recentLines.add(text)
        // Bounded so a chatty probe cannot grow the shell without limit.
        probeOutputLog += text
        if probeOutputLog.utf8.count > 4 << 20 { probeOutputLog = String(probeOutputLog.suffix(2 << 20)) }
        emit(.probeOutput(text, probe: session.outputProbe))
    }

    /// Reads and runs statements until end of input or `quit`.
    public func run() {
        var assembler = InputAssembler()
        while !quitRequested && !ShellInterrupt.terminationRequested {
            let prompt = assembler.isContinuing ? "  ...> " : "bpfsh> "
            continuedLines = assembler.pending
            let (line, interrupted) = reader.readLine(prompt: prompt)
            if interrupted {
                assembler.reset()
                continue
            }
            guard let line else { break }
            guard let statement = assembler.add(line) else { continue }
            reader.remember(statement)
            execute(statement)
        }
        if assembler.isContinuing {
            printError("bpfsh: input ended inside an unclosed '{': that probe was not defined")
        }
    }

    /// Runs one complete statement. Errors are printed; the session always goes on. Returns
    /// whether the statement succeeded (scripts stop at the first that did not). `announce:
    /// false` is for repetitions (`watch`): no history, no notebook cell, no recording.
    @discardableResult
    public func execute(_ statement: String, announce: Bool = true) -> Bool {
        // A probe's unfinished line goes out before the statement's own output.
        flushPartialProbeLine()
        let wasBusy = busy
        busy = true
        statementDepth += 1
        defer {
            busy = wasBusy
            statementDepth -= 1
            pumpEvents()
            if statementDepth == 0 { terminal?.endOpenLine() }
        }
        let trimmed = statement.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix("//") { return true }
        let nested = statementDepth > 1
        if announce { emit(.statementStarted(trimmed, nested: nested)) }
        let outerInterrupted = statementInterrupted
        statementInterrupted = false
        defer { statementInterrupted = outerInterrupted || statementInterrupted }
        var status = StatementStatus.succeeded
        do {
            try run(statement: ParameterSubstitution.apply(parameters, to: trimmed))
            if statementInterrupted { status = .interrupted }
        } catch {
            // Control characters a user typed (a NUL, an escape sequence) are shown escaped.
            let message = TerminalSafeText.escaped(
                located(error is SessionError ? (error as! SessionError).description : "\(error)"))
            let line = message.hasSuffix("\n") ? message : message + "\n"
            emit(.error(ShellErrorReport(message: line, locations: ShellErrorReport.locations(of: error))))
            status = .failed
        }
        if announce {
            if !nested { history.append((trimmed, status.succeeded)) }
            emit(.statementEnded(trimmed, status: status, nested: nested))
        }
        return status.succeeded
    }

    /// Inside a script, an error names the script's file and line (compile errors already do).
    private func located(_ message: String) -> String {
        guard let (file, line) = scriptLocation, !message.hasPrefix(file + ":") else { return message }
        return "\(file):\(line): error: " + message
    }

    private func run(statement text: String) throws {
        if text.hasPrefix("!") {
            try runShellCommand(String(text.dropFirst()).trimmingCharacters(in: .whitespaces))
            return
        }
        if let (name, program) = StatementClassifier.definition(text) {
            // In a script, pad the program to its column so carets line up with the file.
            var padded = program
            if scriptLocation != nil, let start = text.range(of: program)?.lowerBound, !text[..<start].contains("\n") {
                padded = String(repeating: " ", count: text.distance(from: text.startIndex, to: start)) + program
            }
            try define(name: name, program: padded)
            return
        }
        if QueryCommands.isQuery(text, in: self) {
            try QueryCommands.run(text, in: self)
            return
        }
        let words = StatementClassifier.words(text)
        if let word = words.first, let command = command(named: word) {
            let rest = String(text.dropFirst(word.count)).trimmingCharacters(in: .whitespaces)
            try command.run(self, Array(words.dropFirst()), rest)
            return
        }
        if StatementClassifier.looksLikeProgram(text) {
            try define(name: session.nextUnnamed(), program: text)
            return
        }
        throw CommandError(
            "unknown command '\(words.first ?? text)': type help for the commands, "
                + "or NAME = PROBE { ... } to define a probe"
        )
    }

    /// While the user pauses typing (or after a paste, whose lines wait for Enter): the first
    /// statement of `text`, with the lines of an unclosed probe before it, is compiled ahead
    /// into the compiled-program cache if it is a whole probe (`NAME = PROBE { ... }` or a bare
    /// probe), so that Enter attaches it without waiting for LLVM. One that does not compile yet
    /// is left alone: it is still being typed, and Enter reports its errors as usual.
    public func prepareAhead(_ text: String) {
        var assembler = InputAssembler()
        for line in continuedLines { _ = assembler.add(line) }
        for line in text.components(separatedBy: "\n") {
            guard let statement = assembler.add(line) else { continue }
            let trimmed = statement.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            prepare(statement: trimmed)
            return
        }
    }

    private func prepare(statement text: String) {
        guard !text.hasPrefix("!"), text.hasSuffix("}") else { return }
        if let (name, program) = StatementClassifier.definition(text) {
            session.prepare(name: name, text: program)
        } else if StatementClassifier.looksLikeProgram(text), !QueryCommands.isQuery(text, in: self),
            command(named: StatementClassifier.words(text).first ?? "") == nil
        {
            session.prepare(name: nil, text: text)
        }
    }

    public func command(named word: String) -> Command? {
        commands.first { $0.name == word || $0.aliases.contains(word) }
    }

    func define(name: String, program: String) throws {
        // Inside a script, diagnostics point at the script's file and line.
        let probe = try session.define(
            name: name, text: program, sourceName: scriptLocation?.file,
            firstLine: scriptLocation?.line ?? 1)
        let points = probe.attachPoints.count
        let maps =
            probe.maps.isEmpty ? "" : " · map\(probe.maps.count == 1 ? "" : "s") " + probe.maps.joined(separator: " ")
        let total = ["compile", "load", "attach"].reduce(0) { $0 + (probe.timings[$1] ?? 0) }
        print(
            "\(name) attached · \(points) attach point\(points == 1 ? "" : "s")\(maps) · "
                + "\(String(format: "%.1f", total)) ms"
        )
    }

    /// Handles one bounded slice of the events waiting in the ring (a flood never holds the
    /// shell longer), then probes that asked to exit, losses, and lines the terminal did not
    /// show. Returns whether events may be left.
    @discardableResult
    public func pumpEvents() -> Bool {
        let more = pump.slice()
        sampleBackgroundSeries()
        flushPartialProbeLine()
        for request in session.takeExitRequests() {
            try? session.detach(request.probe)
            notice("\(request.probe) called exit(\(request.code)): detached\n")
        }
        for warning in losses.check(session) { emit(.warning(warning + "\n")) }
        if let terminal {
            terminal.flush()
            if let summary = terminal.takeSummary() { notice(summary + "\n") }
        }
        return more
    }

    /// The end of a probe's line that did not come in its slice: shown as it is.
    func flushPartialProbeLine() {
        guard !partialProbeLine.isEmpty else { return }
        let text = partialProbeLine
        partialProbeLine = ""
        reader.printAbovePrompt(text)
    }

    /// The shell's own word while probes run (an exit, hidden lines): above the prompt and
    /// never hidden.
    func notice(_ text: String) { emit(.notice(text)) }

    func runShellCommand(_ command: String) throws {
        guard !command.isEmpty else { throw CommandError("usage: ! COMMAND") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        if reader.isInteractive {
            // At a terminal the command has it (a pager, `top`, a prompt of its own work).
            try process.run()
            process.waitUntilExit()
        } else {
            // Elsewhere (a script, a notebook, the protocol) its output becomes events: written
            // straight to bpfsh's stdout it would corrupt `--serve`'s JSON lines.
            let (output, errors) = try ShellCommandOutput.run(process)
            if !output.isEmpty { emit(.output(output)) }
            if !errors.isEmpty { emit(.errorOutput(errors)) }
        }
        // A script stops where its shell command failed, as it would for any other statement.
        if process.terminationReason == .uncaughtSignal {
            throw CommandError("! \(command): killed by signal \(process.terminationStatus)")
        }
        if process.terminationStatus != 0 {
            throw CommandError("! \(command): exited with status \(process.terminationStatus)")
        }
    }

    /// Ends the shell: writes the transcripts a last time, stops workloads, detaches every probe
    /// and releases kernel objects. Returns false when a recording or notebook could not be
    /// saved whole (already said), so the exit status can tell.
    @discardableResult
    public func shutdown() -> Bool {
        let saved = finishTranscripts()
        workloads.stopAll()
        // The process ends right after: as a one-shot run does, it waits only until no program
        // runs (END then runs on the final maps) and leaves the kernel's release of the links,
        // ~70 ms per tracepoint and serialized, to a child.
        session.detachAllLeavingRelease()
        session.close()
        reader.close()
        // What is still queued goes out, unless the terminal takes nothing for two seconds.
        terminal?.flush(waitingUpTo: 2_000_000_000)
        return saved
    }
}

/// Recognises what a statement is without running it.
public enum StatementClassifier {
    /// `NAME = PROGRAM` (the program starting with an attach point), as (name, program).
    public static func definition(_ text: String) -> (String, String)? {
        guard let equals = text.firstIndex(of: "=") else { return nil }
        let name = text[..<equals].trimmingCharacters(in: .whitespaces)
        let program = text[text.index(after: equals)...].trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.first!.isLetter || name.first == "_",
            name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }),
            !program.hasPrefix("="), looksLikeProgram(program)
        else { return nil }
        return (name, program)
    }

    /// A probe program: an attach point (or BEGIN/END) followed by a `{` body.
    public static func looksLikeProgram(_ text: String) -> Bool {
        guard text.contains("{") else { return false }
        let head = text.prefix { $0 != "{" && $0 != "/" && $0 != " " && $0 != "\n" }
        if ["BEGIN", "END", "begin", "end"].contains(String(head)) { return true }
        return head.contains(":")
    }

    /// Whitespace-separated words, keeping quoted text together.
    public static func words(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        var quote: Character? = nil
        for c in text {
            if let q = quote {
                if c == q { quote = nil } else { current.append(c) }
            } else if c == "\"" || c == "'" {
                quote = c
            } else if c == " " || c == "\t" || c == "\n" {
                if !current.isEmpty {
                    words.append(current)
                    current = ""
                }
            } else {
                current.append(c)
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }
}
