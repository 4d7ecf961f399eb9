import Foundation

/// The `bpfsh` executable on a pseudo-terminal of its own, as a person would run it: a new
/// session whose controlling terminal is the pty, so a Ctrl-C byte becomes SIGINT. The test
/// reads the terminal when it chooses (or not at all, a terminal that cannot keep up) and
/// times how long the shell takes to answer.
public final class PseudoTerminalShell {
    public let pid: pid_t
    private let master: Int32
    /// The last few megabytes the shell wrote, and how many bytes it wrote in all.
    private var tail: [UInt8] = []
    public private(set) var totalBytes = 0
    private static let keptBytes = 8 << 20
    /// glibc's POSIX_SPAWN_SETSID (not imported without _GNU_SOURCE).
    private static let spawnSetSID: Int32 = 0x80
    private var status: Int32?

    public init(arguments: [String] = [], columns: UInt16 = 200, rows: UInt16 = 50) throws {
        // posix_openpt and friends need _GNU_SOURCE; their ioctls do not (TIOCSPTLCK, TIOCGPTN).
        master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard master >= 0, ioctl(master, 0x4004_5431, &unlock) == 0, ioctl(master, 0x8004_5430, &number) == 0 else {
            throw POSIXError(.EIO)
        }
        let slave = "/dev/pts/\(number)"
        var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
        _ = fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // setsid runs before the file actions, so opening the slave makes it the controlling tty.
        posix_spawn_file_actions_addopen(&actions, 0, slave, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var all = sigset_t(), none = sigset_t()
        sigfillset(&all)
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | PseudoTerminalShell.spawnSetSID))
        let command = [KernelTestGate.executable.path] + arguments
        let argv: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var env = ProcessInfo.processInfo.environment
        env["BPFSH_HISTORY"] = "/dev/null"
        env["TERM"] = "xterm"
        // A crash report must not wait 30 s for a key on this terminal.
        env["SWIFT_BACKTRACE"] = "interactive=no"
        let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        var child: pid_t = 0
        let result = posix_spawn(&child, command[0], &actions, &attributes, argv, envp)
        guard result == 0 else {
            close(master)
            throw POSIXError(POSIXErrorCode(rawValue: result) ?? .EIO)
        }
        pid = child
    }

    deinit {
        if isAlive {
            kill(pid, SIGKILL)
            _ = waitForExit(seconds: 10)
        }
        close(master)
    }

    /// Types `text` (use "\r" for Enter, "\u{3}" for Ctrl-C).
    public func type(_ text: String) {
        _ = text.withCString { write(master, $0, strlen($0)) }
    }

    /// Reads whatever the shell has written so far, without waiting.
    @discardableResult
    public func read() -> Int {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var total = 0
        while true {
            let count = Glibc.read(master, &chunk, chunk.count)
            guard count > 0 else { break }
            tail.append(contentsOf: chunk[..<count])
            totalBytes += count
            total += count
        }
        if tail.count > PseudoTerminalShell.keptBytes {
            tail.removeFirst(tail.count - PseudoTerminalShell.keptBytes / 2)
        }
        return total
    }

    /// Where the next byte the shell writes will be counted from.
    public var mark: Int { totalBytes }

    /// Reads until text written after `mark` contains `text`; the seconds that took, or nil.
    public func waitFor(_ text: String, after mark: Int, seconds: Double = 10) -> Double? {
        let start = Date()
        let needle = Array(text.utf8)
        while Date().timeIntervalSince(start) < seconds {
            read()
            let skip = max(0, tail.count - (totalBytes - mark))
            if tail.count - skip >= needle.count,
                tail[skip...].firstRange(of: needle) != nil
            {
                return Date().timeIntervalSince(start)
            }
            var entry = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            _ = poll(&entry, 1, 5)
        }
        return nil
    }

    /// Text written after `mark` (as much as is kept).
    public func text(after mark: Int) -> String {
        let skip = max(0, tail.count - (totalBytes - mark))
        return String(decoding: tail[skip...], as: UTF8.self)
    }

    public var isAlive: Bool {
        guard status == nil else { return false }
        var raw: Int32 = 0
        if waitpid(pid, &raw, WNOHANG) == pid {
            status = raw
            return false
        }
        return true
    }

    /// Keeps reading until the shell ends; its raw wait status, or nil after `seconds`.
    @discardableResult
    public func waitForExit(seconds: Double = 10) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while isAlive {
            if Date() > deadline { return nil }
            read()
            usleep(2_000)
        }
        return status
    }

    public var exitCode: Int32? {
        guard let status, status & 0x7f == 0 else { return nil }
        return (status >> 8) & 0xff
    }
}
