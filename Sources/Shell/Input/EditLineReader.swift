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
    /// Called when events wait in the ring (its fd is readable) or every 250 ms while idle.
    public var pumpEvents: (() -> Void)?
    /// A descriptor to wait on besides the terminal (the event ring), or -1. Asked anew on
    /// every wait: the ring only exists once a probe prints something.
    public var eventFD: () -> Int32 = { -1 }
    private var interrupted = false

    public init?(historyPath: String) {
        guard isatty(STDIN_FILENO) != 0, let el = ceditline_init("bpfsh", stdin, stdout, stderr) else { return nil }
        editLine = el
        self.historyPath = historyPath
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
        if let history { _ = ceditline_history_save(history, historyPath) }
        history_end(history)
        el_end(editLine)
    }

    public var isInteractive: Bool { true }

    public func setEditor(_ mode: String) { ceditline_set_editor(editLine, mode) }

    public func readLine(prompt: String) -> (line: String?, interrupted: Bool) {
        free(EditLineReader.promptText)
        EditLineReader.promptText = strdup(prompt)
        interrupted = false
        var count: Int32 = 0
        guard let raw = el_gets(editLine, &count) else {
            let wasInterrupted = interrupted || ShellInterrupt.take()
            if wasInterrupted { fputs("^C\n", stdout) }
            return (nil, wasInterrupted)
        }
        var line = String(cString: raw)
        if line.hasSuffix("\n") { line.removeLast() }
        return (line, false)
    }

    public func remember(_ statement: String) {
        guard let history, !statement.trimmingCharacters(in: .whitespaces).isEmpty else { return }
        ceditline_history_enter(history, statement.replacingOccurrences(of: "\n", with: " "))
        _ = ceditline_history_save(history, historyPath)
    }

    public func printAbovePrompt(_ text: String) {
        // Clear the line being edited, print, then let libedit redraw prompt and buffer.
        fputs("\r\u{1B}[K" + text, stdout)
        if !text.hasSuffix("\n") { fputs("\n", stdout) }
        fflush(stdout)
        ceditline_refresh(editLine)
    }

    /// libedit's character source: waits on the terminal and the event ring together.
    private func readCharacter(_ character: UnsafeMutablePointer<wchar_t>?) -> Int32 {
        while true {
            var fds = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)]
            let events = eventFD()
            if events >= 0 { fds.append(pollfd(fd: events, events: Int16(POLLIN), revents: 0)) }
            let ready = poll(&fds, nfds_t(fds.count), 250)
            if ready < 0 {
                if errno == EINTR, ShellInterrupt.isPending {
                    interrupted = ShellInterrupt.take()
                    return 0
                }
                continue
            }
            if ready == 0 || (fds.count > 1 && fds[1].revents != 0) { pumpEvents?() }
            guard fds[0].revents != 0 else { continue }
            var byte: UInt8 = 0
            let n = read(STDIN_FILENO, &byte, 1)
            if n <= 0 { return 0 }
            if byte == 0x03 {  // Ctrl-C while the terminal does not turn it into SIGINT
                interrupted = true
                return 0
            }
            var bytes = [byte]
            let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
            while bytes.count < length {
                var more: UInt8 = 0
                if read(STDIN_FILENO, &more, 1) != 1 { break }
                bytes.append(more)
            }
            let scalar = String(decoding: bytes, as: UTF8.self).unicodeScalars.first?.value ?? UInt32(byte)
            character?.pointee = wchar_t(bitPattern: scalar)
            return 1
        }
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
    /// SIGTERM: end the session as `quit` does (END runs, workloads stop), not mid-statement.
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
    }
}
