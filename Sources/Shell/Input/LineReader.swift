import Foundation

/// Where the shell's input lines come from.
public protocol LineReader: AnyObject {
    /// The next line without its newline; nil at end of input. `interrupted` is set when the
    /// read ended because of Ctrl-C rather than end of input.
    func readLine(prompt: String) -> (line: String?, interrupted: Bool)
    /// Remembers a complete statement in the history.
    func remember(_ statement: String)
    /// Prints text produced while the user is typing, above the prompt, then redraws it.
    func printAbovePrompt(_ text: String)
    /// The same for the shell's own notices (never hidden when the terminal lags).
    func printNoticeAbovePrompt(_ text: String)
    var isInteractive: Bool { get }
    func close()
}

extension LineReader {
    public func printNoticeAbovePrompt(_ text: String) { printAbovePrompt(text) }
}

/// Reads lines from a non-terminal standard input (`bpfsh < commands.txt`): no prompt, no
/// echo, nothing but results on the output. While it waits for a line it serves events, as
/// the terminal reader does.
public final class PlainLineReader: LineReader {
    public let waiter = InputWaiter()
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var atEnd = false

    public init(fd: Int32 = STDIN_FILENO) { self.fd = fd }

    public func readLine(prompt: String) -> (line: String?, interrupted: Bool) {
        while true {
            if let newline = buffer.firstIndex(of: 10) {
                var line = Array(buffer[..<newline])
                buffer.removeFirst(newline + 1)
                if line.last == 13 { line.removeLast() }
                return (String(decoding: line, as: UTF8.self), false)
            }
            if atEnd {
                guard !buffer.isEmpty else { return (nil, false) }
                defer { buffer = [] }
                return (String(decoding: buffer, as: UTF8.self), false)
            }
            switch waiter.waitForInput(fd) {
            case .interrupted:
                _ = ShellInterrupt.take()
                return (nil, true)
            case .terminated: return (nil, false)
            case .ready: break
            }
            var chunk = [UInt8](repeating: 0, count: 64 << 10)
            let count = read(fd, &chunk, chunk.count)
            if count > 0 {
                buffer.append(contentsOf: chunk[..<count])
            } else if count == 0 || errno != EINTR && errno != EAGAIN {
                atEnd = true
            }
        }
    }
    public func remember(_ statement: String) {}
    public func printAbovePrompt(_ text: String) {
        if let output = waiter.output {
            output.write(text, kind: .probe)
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }
    public var isInteractive: Bool { false }
    public func close() {}
}
