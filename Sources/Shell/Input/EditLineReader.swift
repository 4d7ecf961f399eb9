import CEditLine
import Foundation

/// Line editing with libedit: emacs keys by default (vi with `bind -v` in ~/.editrc or the
/// `editor vi` command), history kept in a file across sessions, tab completion, and event
/// output printed above the prompt while the user types.
///
/// libedit calls back through C function pointers that cannot capture context, so the one
/// active reader is reachable through `EditLineReader.active`.
public final class EditLineReader: LineReader {
    nonisolated(unsafe) static weak var active: EditLineReader?
    nonisolated(unsafe) static var promptText: UnsafeMutablePointer<CChar> = strdup("bpfsh> ")

    private let editLine: OpaquePointer
    private let history: OpaquePointer?
    private let historyPath: String
    /// Completes the text before the cursor: (text to insert, candidates to list).
    public var complete: ((String) -> (insert: String, candidates: [String]))?
    /// Serves events and queued output while waiting for a key.
    public let waiter = InputWaiter()
    /// Called with the line being edited (and the pasted lines waiting behind it, one per
    /// line) whenever the user pauses typing or a paste ends, and the text changed since the
    /// last call: the shell compiles a whole probe ahead of Enter.
    public var prepareAhead: ((String) -> Void)?
    private var preparedLine = ""
    private var interrupted = false
    /// Probe text went above the prompt: redraw it once that text is out.
    private var needsRefresh = false
    /// Inside el_gets: the only time libedit may redraw (a refresh outside it crashes).
    private var reading = false
    /// Pastes are told from typing while a line is edited (BracketedPaste), unless the terminal
    /// is dumb or BPFSH_BRACKETED_PASTE=0.
    private let bracketsPastes: Bool
    private var paste = BracketedPaste()
    /// Bytes through the paste filter that libedit has not read yet.
    private var editorBytes: [UInt8] = []
    /// `ShellInterrupt.count` when the last line began.
    private var interruptsSeen = ShellInterrupt.count

    /// The history file, rewritten atomically after every statement; a failed write is said
    /// at once (through `onHistoryReport`) and tried again after the next statement.
    private let historyFile: TranscriptFile
    /// Told when the history file cannot be written, or can again (the launcher prints it).
    var onHistoryReport: ((TranscriptReport) -> Void)?

    public init?(historyPath: String) {
        guard isatty(STDIN_FILENO) != 0, let el = ceditline_init("bpfsh", stdin, stdout, stderr) else { return nil }
        editLine = el
        self.historyPath = historyPath
        historyFile = TranscriptFile(path: historyPath, kind: .history)
        let environment = ProcessInfo.processInfo.environment
        bracketsPastes =
            isatty(STDOUT_FILENO) != 0 && environment["TERM"] != "dumb" && environment["BPFSH_BRACKETED_PASTE"] != "0"
        history = ceditline_history_init(el, 2000)
        if let history { _ = ceditline_history_load(history, historyPath) }
        ceditline_set_editor(el, "emacs")
        ceditline_source_editrc(el)
        ceditline_set_prompt(el) { _ in UnsafePointer(EditLineReader.promptText) }
        ceditline_set_getc(el) { _, character in EditLineReader.active?.readCharacter(character) ?? 0 }
        ceditline_set_complete(el) { _, _ in EditLineReader.active?.completeWord() ?? 6 }
        EditLineReader.active = self
    }

    deinit { close() }

    private var closed = false
    public func close() {
        guard !closed else { return }
        closed = true
        if let report = saveHistory(finishing: true) { onHistoryReport?(report) }
        history_end(history)
        el_end(editLine)
    }

    public var isInteractive: Bool { true }

    public func setEditor(_ mode: String) { ceditline_set_editor(editLine, mode) }

    public func readLine(prompt: String) -> (line: String?, interrupted: Bool) {
        free(EditLineReader.promptText)
        EditLineReader.promptText = strdup(prompt)
        interrupted = false
        // A new line: even text equal to the last line's (a second probe's closing `}`) is new.
        preparedLine = ""
        // A paste whose end never came (a `monitor` read it, the kernel flushed it on Ctrl-C)
        // must not outlive a quiet terminal: keys would go on being read as pasted text.
        if editorBytes.isEmpty && !keyWaiting() { paste.reset() }
        // Ctrl-C while a statement of a multi-line paste ran stops the rest of the paste too.
        if ShellInterrupt.count != interruptsSeen {
            interruptsSeen = ShellInterrupt.count
            paste.reset()
            editorBytes = []
        }
        var count: Int32 = 0
        // On only while a line is edited: a workload or `monitor` gets the terminal as it was.
        if bracketsPastes { setPasteMode(true) }
        reading = true
        let raw = el_gets(editLine, &count)
        reading = false
        if bracketsPastes { setPasteMode(false) }
        needsRefresh = false
        guard let raw else {
            // Ctrl-C or the end: pasted lines waiting for Enter are dropped.
            paste.reset()
            editorBytes = []
            let wasInterrupted = interrupted || ShellInterrupt.take()
            if wasInterrupted && !ShellInterrupt.terminationRequested { fputs("^C\n", stdout) }
            return (nil, wasInterrupted)
        }
        var line = String(cString: raw)
        if line.hasSuffix("\n") { line.removeLast() }
        return (line, false)
    }

    /// Whether the terminal is in bracketed paste mode: an exit from inside el_gets (LLVM's
    /// fatal error handler exits, a signal ends the process) turns it off on the way out.
    nonisolated(unsafe) private static var pasteModeOn = false
    private static let pasteModeOffAtExit: Void = {
        atexit {
            guard EditLineReader.pasteModeOn else { return }
            fputs(BracketedPaste.disable, stdout)
            fflush(stdout)
        }
    }()

    private func setPasteMode(_ on: Bool) {
        _ = Self.pasteModeOffAtExit
        Self.pasteModeOn = on
        fputs(on ? BracketedPaste.enable : BracketedPaste.disable, stdout)
        fflush(stdout)
    }

    public func remember(_ statement: String) {
        guard let history, !statement.trimmingCharacters(in: .whitespaces).isEmpty else { return }
        ceditline_history_enter(history, statement.replacingOccurrences(of: "\n", with: " "))
        if let report = saveHistory(finishing: false) { onHistoryReport?(report) }
    }

    /// Writes the history through SafeFileWriter (libedit's own save truncates the file
    /// first, so a full disk would lose it); at the end, a failure is said even if said before.
    private func saveHistory(finishing: Bool) -> TranscriptReport? {
        var length = 0
        guard let history, let text = ceditline_history_text(history, &length) else { return nil }
        defer { free(text) }
        let data = Data(bytes: text, count: length)
        // libedit's file starts with a signature line; each statement is one line after it.
        let entries = max(0, data.filter { $0 == 10 }.count - 1)
        if finishing {
            do { try historyFile.finish(data, entries: entries) } catch { return error as? TranscriptReport }
            return nil
        }
        return historyFile.write(data, entries: entries)
    }

    public func printAbovePrompt(_ text: String) { printAbovePrompt(text, kind: .probe) }

    public func printNoticeAbovePrompt(_ text: String) { printAbovePrompt(text, kind: .command) }

    /// Clears the line being edited, prints, then lets libedit redraw prompt and buffer once
    /// the text is out (not before: the redraw would land above it).
    private func printAbovePrompt(_ text: String, kind: TerminalOutput.Kind) {
        let line = "\r\u{1B}[K" + text + (text.hasSuffix("\n") ? "" : "\n")
        guard let output = waiter.output else {
            fputs(line, stdout)
            fflush(stdout)
            ceditline_refresh(editLine)
            return
        }
        needsRefresh = true
        output.write(line, kind: kind)
    }

    /// Connects the output queue: the prompt is redrawn whenever it empties after text.
    public func attach(output: TerminalOutput) {
        waiter.output = output
        output.onDrained = { [weak self] in
            guard let self, self.needsRefresh, self.reading else { return }
            self.needsRefresh = false
            ceditline_refresh(self.editLine)
        }
    }

    /// libedit's character source: waits on the terminal and the event ring together.
    private func readCharacter(_ character: UnsafeMutablePointer<wchar_t>?) -> Int32 {
        guard let lead = nextByte() else { return 0 }
        var bytes = [lead]
        let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
        while bytes.count < length {
            guard let more = nextByte() else { return 0 }  // an interrupt mid-character ends the read
            bytes.append(more)
        }
        let scalar = String(decoding: bytes, as: UTF8.self).unicodeScalars.first?.value ?? UInt32(lead)
        character?.pointee = wchar_t(bitPattern: scalar)
        return 1
    }

    /// The next byte for libedit, from the terminal through the paste filter; nil when the
    /// read ends (end of input, Ctrl-C, termination).
    private func nextByte() -> UInt8? {
        while editorBytes.isEmpty {
            // A held escape with nothing right behind it is a key (vi's escape), not a paste; a
            // longer held start is a marker split by a slow link. Inside a paste an escape is
            // dropped anyway, so there is nothing to decide early.
            if paste.isHolding && !paste.inPaste && !keyWaiting(milliseconds: paste.holdsMarkerPrefix ? 500 : 25) {
                editorBytes += paste.release()
                continue
            }
            // Nothing left to read: the user paused, or a paste ended.
            if !paste.isHolding && !paste.inPaste && !keyWaiting() { prepareLineAhead() }
            switch waiter.waitForInput(STDIN_FILENO) {
            case .interrupted:
                interrupted = ShellInterrupt.take()
                return nil
            case .terminated: return nil
            case .ready: break
            }
            var byte: UInt8 = 0
            if read(STDIN_FILENO, &byte, 1) <= 0 { return nil }
            if byte == 0x03 && !paste.inPaste {  // Ctrl-C while the terminal does not turn it into SIGINT
                interrupted = true
                return nil
            }
            let wasInPaste = paste.inPaste
            editorBytes += paste.feed(byte)
            if wasInPaste && !paste.inPaste { showWaitingLines() }
        }
        return editorBytes.removeFirst()
    }

    /// A paste of several lines ended: says which lines Enter will run after the edited one.
    private func showWaitingLines() {
        let lines = paste.waitingLines
        guard !lines.isEmpty else { return }
        let shown = lines.prefix(8).map { "  " + $0 }.joined(separator: "\n")
        let more = lines.count > 8 ? "\n  ... and \(lines.count - 8) more" : ""
        printNoticeAbovePrompt(
            "pasted \(lines.count) more line\(lines.count == 1 ? "" : "s"): Enter runs the line below, then "
                + "\(lines.count == 1 ? "it" : "them"); Ctrl-C drops \(lines.count == 1 ? "it" : "them")\n" + shown
                + more)
    }

    /// Offers the line being edited, with the pasted lines waiting behind it, for compiling
    /// ahead of Enter.
    private func prepareLineAhead() {
        guard let prepareAhead else { return }
        var buffer = [CChar](repeating: 0, count: 4096)
        _ = ceditline_line(editLine, &buffer, Int32(buffer.count))
        let line = ([String(cString: buffer)] + paste.waitingLines).joined(separator: "\n")
        guard line != preparedLine else { return }
        preparedLine = line
        prepareAhead(line)
    }

    private func keyWaiting(milliseconds: Int32 = 0) -> Bool {
        var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, milliseconds) > 0
    }

    /// Tab: insert the completion's common part; list the candidates when there are several.
    private func completeWord() -> UInt8 {
        var buffer = [CChar](repeating: 0, count: 4096)
        _ = ceditline_text_before_cursor(editLine, &buffer, Int32(buffer.count))
        let before = String(cString: buffer)
        guard let (insert, candidates) = complete?(before) else { return 6 }
        if !insert.isEmpty { el_insertstr(editLine, insert) }
        if candidates.count > 1 {
            fputs("\n" + CompletionLayout.columns(candidates) + "", stdout)
            return 8  // CC_REDISPLAY
        }
        return insert.isEmpty ? 6 : 4  // CC_ERROR (beep) or CC_REFRESH
    }
}

/// Lays out completion candidates in columns that fit an 80-column terminal.
enum CompletionLayout {
    static func columns(_ items: [String], width: Int = 80) -> String {
        let shown = Array(items.prefix(200))
        let cell = (shown.map(\.count).max() ?? 0) + 2
        let perLine = max(1, width / max(1, cell))
        var text = ""
        for (index, item) in shown.enumerated() {
            text += item.padding(toLength: cell, withPad: " ", startingAt: 0)
            if (index + 1) % perLine == 0 { text += "\n" }
        }
        if !text.hasSuffix("\n") { text += "\n" }
        if items.count > shown.count { text += "... and \(items.count - shown.count) more\n" }
        return text
    }
}

/// Ctrl-C in the shell cancels the line or the running wait/watch, never the shell.
public enum ShellInterrupt {
    nonisolated(unsafe) static var flag: sig_atomic_t = 0
    /// Counts every Ctrl-C, even ones a `wait` took: a script stops at the next statement.
    nonisolated(unsafe) public private(set) static var count: sig_atomic_t = 0
    public static var isPending: Bool { flag != 0 }
    /// SIGTERM or SIGHUP: end the session as `quit` does (END runs, workloads stop), not
    /// mid-statement.
    nonisolated(unsafe) static var terminate: sig_atomic_t = 0
    public static var terminationRequested: Bool { terminate != 0 }
    /// Returns whether an interrupt was pending, and clears it.
    public static func take() -> Bool {
        let was = flag != 0
        flag = 0
        return was
    }
    public static func install() {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in
            ShellInterrupt.flag = 1
            ShellInterrupt.count &+= 1
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0  // no SA_RESTART: a blocking poll or read returns EINTR
        sigaction(SIGINT, &action, nil)
        var termination = sigaction()
        termination.__sigaction_handler.sa_handler = { _ in
            ShellInterrupt.terminate = 1
            ShellInterrupt.flag = 1  // ends a running wait
        }
        sigemptyset(&termination.sa_mask)
        termination.sa_flags = 0
        sigaction(SIGTERM, &termination, nil)
        // A closed terminal ends the session as SIGTERM does, rather than mid-statement.
        sigaction(SIGHUP, &termination, nil)
    }

    /// An `interrupt` request of the machine protocol: what Ctrl-C does.
    public static func interrupt() {
        flag = 1
        count &+= 1
    }

    /// The terminal went away (EPIPE, EIO): end the session as on SIGHUP.
    public static func requestTermination() {
        terminate = 1
        flag = 1
    }
}
