import Foundation

/// The terminal in the mode a full-screen view needs: keys arrive one by one without echo
/// (Ctrl-C still interrupts), the screen is the alternate one and the cursor is hidden; all
/// restored by `restore`, so the shell's prompt comes back as it was.
final class RawTerminal {
    private let fd: Int32
    private var saved = termios()
    private var active = false

    init?(fd: Int32 = STDIN_FILENO) {
        self.fd = fd
        guard isatty(fd) != 0, tcgetattr(fd, &saved) == 0 else { return nil }
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 0
            cc[Int(VTIME)] = 0
        }
        guard tcsetattr(fd, TCSANOW, &raw) == 0 else { return nil }
        active = true
    }

    deinit { restore() }

    func restore() {
        guard active else { return }
        active = false
        tcsetattr(fd, TCSANOW, &saved)
    }

    /// Bytes typed so far, without waiting.
    func readAvailable() -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = read(fd, &buffer, buffer.count)
        return count > 0 ? Array(buffer[0..<count]) : []
    }

    /// Columns and rows of the terminal on standard output.
    static func size() -> (width: Int, height: Int) {
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0, size.ws_row > 0 {
            return (Int(size.ws_col), Int(size.ws_row))
        }
        return (HelpTopics.terminalWidth(), 24)
    }

    static let enterScreen = "\u{1B}[?1049h\u{1B}[?25l"
    static let leaveScreen = "\u{1B}[?25h\u{1B}[?1049l"

    /// The lines drawn over the previous frame in place: home, each line cleared to its end,
    /// then everything below cleared.
    static func frame(_ lines: [String]) -> String {
        "\u{1B}[H" + lines.map { $0 + "\u{1B}[K" }.joined(separator: "\r\n") + "\u{1B}[J"
    }
}
