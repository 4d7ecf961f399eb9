import Foundation

/// The shell's standard output, written without ever blocking the shell on it.
///
/// A terminal (or pipe) that cannot keep up with a flood of probe output used to block every
/// `fputs`, so typed input, Ctrl-C and commands waited for the flood to end. Here text waits
/// in a queue and goes out as fast as the terminal takes it, on a non-blocking descriptor of
/// its own; past `probeBacklog` queued bytes, new probe text is not shown but counted, and the
/// shell says how many lines it did not show (`takeSummary`) and keeps the last ones for the
/// `output` command. Command output and errors are never dropped.
///
/// When the terminal is gone (EPIPE, EIO after a hang-up), `onClosed` is called once and
/// nothing more is written: the shell then ends as on SIGHUP instead of failing every write.
public final class TerminalOutput {
    /// Command output and notices are never dropped, and make room for themselves by
    /// dropping probe text the terminal has not taken yet (an answer should not wait behind
    /// a flood); a status line (`wait`'s progress) is never dropped and drops nothing.
    public enum Kind { case command, probe, status }

    private let fd: Int32
    private let ownsFD: Bool
    /// Whether standard error is the same file as standard output (a terminal, `2>&1`): errors
    /// then go through the same queue, so they keep their place among the output.
    private let errorsShareOutput: Bool
    public let probeBacklog: Int
    static let batchBytes = 8 << 10
    private var pending: [UInt8] = []
    private var written = 0
    /// Where the probe text queued since the last command text starts, if any is queued.
    private var probeRunStart: Int?
    /// Probe lines not shown since the last summary, and in the whole session.
    public private(set) var hiddenLines = 0
    public private(set) var totalHiddenLines = 0
    private var lastSummary: UInt64 = 0
    /// A status line (`waiting 0.1s / 2.0s`) is drawn where the next text would start.
    private var statusShown = false
    /// Whether the last probe or command text queued ended its line: a status line drawn
    /// after a partial line would erase it (`\r\e[K`) or be glued to it.
    private var atLineStart = true
    public private(set) var isClosed = false
    public var onClosed: (() -> Void)?
    /// Called whenever the queue has just emptied (the line editor redraws its prompt then).
    public var onDrained: (() -> Void)?

    public init(fd: Int32 = STDOUT_FILENO, errorFD: Int32 = STDERR_FILENO, probeBacklog: Int = 32 << 10) {
        self.probeBacklog = probeBacklog
        (self.fd, ownsFD) = TerminalOutput.nonBlockingDescriptor(for: fd)
        errorsShareOutput = TerminalOutput.sameFile(fd, errorFD)
    }

    deinit { if ownsFD { close(fd) } }

    /// A descriptor of its own for terminals and pipes (opened anew, so O_NONBLOCK does not
    /// reach the file description the shell's parent and stdin share); files never block.
    private static func nonBlockingDescriptor(for fd: Int32) -> (Int32, Bool) {
        var info = stat()
        guard fstat(fd, &info) == 0 else { return (fd, false) }
        let type = info.st_mode & S_IFMT
        guard type == S_IFCHR || type == S_IFIFO else { return (fd, false) }
        let reopened = open("/proc/self/fd/\(fd)", O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        return reopened >= 0 ? (reopened, true) : (fd, false)
    }

    private static func sameFile(_ a: Int32, _ b: Int32) -> Bool {
        var first = stat()
        var second = stat()
        guard fstat(a, &first) == 0, fstat(b, &second) == 0 else { return false }
        return first.st_dev == second.st_dev && first.st_ino == second.st_ino && first.st_rdev == second.st_rdev
    }

    public var hasPending: Bool { written < pending.count }
    public var queuedBytes: Int { pending.count - written }
    /// The descriptor to poll for POLLOUT while text waits, or -1.
    public var pollDescriptor: Int32 { hasPending && !isClosed ? fd : -1 }

    /// Queues `text` and writes what the terminal takes now. Probe text beyond the backlog is
    /// counted as hidden instead; returns whether it was queued.
    @discardableResult
    public func write(_ text: String, kind: Kind) -> Bool {
        guard !isClosed else { return false }
        if kind == .probe && queuedBytes >= probeBacklog {
            flush()
            if queuedBytes >= probeBacklog {
                hide(lines: max(1, TerminalOutput.lineCount(text.utf8)))
                return false
            }
        }
        var text = text
        switch kind {
        case .probe, .command:
            // Probe output and the progress line never share a line: the status is erased
            // first, and the next progress tick draws it again below the text.
            if kind == .command { dropUnwrittenProbeText() }
            if statusShown && !text.isEmpty {
                pending.append(contentsOf: "\r\u{1B}[K".utf8)
                statusShown = false
            }
            if kind == .probe, probeRunStart == nil { probeRunStart = pending.count }
            if let last = text.utf8.last { atLineStart = last == 10 }
        case .status:
            // Mid-line (a probe printed `time()` and its printf is still to come) the status
            // waits: drawn there it would erase or extend that line.
            guard atLineStart else { return false }
            let drawn = text.components(separatedBy: "\u{1B}[K").last ?? text
            statusShown = !drawn.replacingOccurrences(of: "\r", with: "").isEmpty
            text = text.hasPrefix("\r") || !statusShown ? text : "\r\u{1B}[K" + text
        }
        pending.append(contentsOf: text.utf8)
        // Probe text goes out in batches (the pump flushes after each slice): one write per
        // line would also feed a probe on write() one event per line.
        if kind != .probe || queuedBytes >= min(TerminalOutput.batchBytes, probeBacklog / 2) { flush() }
        return true
    }

    /// Ends a line a probe left open (`time()` without its printf yet) before the prompt is
    /// drawn, so the prompt never starts in the middle of probe output.
    public func endOpenLine() {
        guard !atLineStart, !isClosed else { return }
        pending.append(10)
        atLineStart = true
        flush()
    }

    private func hide(lines: Int) {
        hiddenLines += lines
        totalHiddenLines += lines
    }

    private static func lineCount<C: Collection>(_ bytes: C) -> Int where C.Element == UInt8 {
        bytes.reduce(0) { $1 == 10 ? $0 + 1 : $0 }
    }

    /// Probe text still queued goes (counted as hidden), except the end of a line the
    /// terminal has already started to show.
    private func dropUnwrittenProbeText() {
        guard let start = probeRunStart else { return }
        probeRunStart = nil
        var cut = max(start, written)
        if cut > start && cut < pending.count && pending[cut - 1] != 10 {
            cut = pending[cut...].firstIndex(of: 10).map { $0 + 1 } ?? pending.count
        }
        guard cut < pending.count else { return }
        hide(lines: max(1, TerminalOutput.lineCount(pending[cut...])))
        pending.removeSubrange(cut...)
    }

    /// Writes an error: in order with the output when both go to the same place; otherwise
    /// after the output waiting (for at most 100 ms) straight to standard error.
    public func writeError(_ text: String) {
        if errorsShareOutput {
            write(text, kind: .command)
            return
        }
        flush(waitingUpTo: 100_000_000)
        _ = text.withCString { Glibc.write(STDERR_FILENO, $0, strlen($0)) }
    }

    /// Writes queued text until the terminal would block, waiting for it up to `nanoseconds`.
    public func flush(waitingUpTo nanoseconds: UInt64 = 0) {
        let deadline = TerminalOutput.now() &+ nanoseconds
        while hasPending && !isClosed {
            let count = pending.withUnsafeBytes { bytes in
                Glibc.write(fd, bytes.baseAddress! + written, bytes.count - written)
            }
            if count > 0 {
                written += count
                continue
            }
            if count < 0 && errno == EINTR { continue }
            if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                let now = TerminalOutput.now()
                guard now < deadline else { break }
                var entry = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                _ = poll(&entry, 1, Int32(clamping: max(1, (deadline - now) / 1_000_000)))
                continue
            }
            closeForGood()
            return
        }
        if !hasPending {
            pending.removeAll(keepingCapacity: pending.capacity <= 1 << 20)
            written = 0
            probeRunStart = nil
            onDrained?()
        } else if written > 1 << 20 {
            pending.removeFirst(written)
            probeRunStart = probeRunStart.map { max(0, $0 - written) }
            written = 0
        }
    }

    /// "12,345 lines not shown; `output` to see the last ones" once the terminal has caught
    /// up, or every second while it has not; nil when nothing was hidden since the last one.
    public func takeSummary() -> String? {
        guard hiddenLines > 0, !isClosed else { return nil }
        let now = TerminalOutput.now()
        guard !hasPending || now &- lastSummary >= 1_000_000_000 else { return nil }
        lastSummary = now
        defer { hiddenLines = 0 }
        return TerminalOutput.summary(hiddenLines)
    }

    public static func summary(_ lines: Int) -> String {
        var grouped = ""
        for (index, digit) in String(lines).reversed().enumerated() {
            if index > 0 && index % 3 == 0 { grouped.insert(",", at: grouped.startIndex) }
            grouped.insert(digit, at: grouped.startIndex)
        }
        return "bpfsh: \(grouped) line\(lines == 1 ? "" : "s") not shown (the terminal could not keep up); "
            + "`output` to see the last ones"
    }

    private func closeForGood() {
        isClosed = true
        pending = []
        written = 0
        onClosed?()
    }

    static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }
}
