import Foundation

/// The `bpfsh` executable run as a shell whose stdin is a pipe this process writes to, and
/// whose stdout and stderr go to a file (posix_spawn and waitpid: no Foundation Process, no
/// reader threads). Used to watch the kernel objects a live shell holds and what remains of
/// them after it ends.
public final class ShellProcess {
    public let pid: pid_t
    private var input: Int32
    public let outputPath: String
    private var status: Int32?

    /// Starts `bpfsh ARGUMENTS` with default signal handling (whatever the test runner ignores),
    /// optionally through a wrapper such as `setpriv ...` (`prefix`, absolute path first).
    public init(arguments: [String] = [], prefix: [String] = [], environment: [String: String] = [:]) throws {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw POSIXError(.EIO) }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        outputPath =
            FileManager.default.temporaryDirectory.appendingPathComponent(
                "bpfsh-shell-\(getpid())-\(UUID().uuidString)"
            ).path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[0], 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var all = sigset_t(), none = sigset_t()
        sigfillset(&all)
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        let command = prefix + [ShellProcess.executable.path] + arguments
        let argv: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var env = ProcessInfo.processInfo.environment
        env["BPFSH_HISTORY"] = "/dev/null"
        for (key, value) in environment { env[key] = value }
        let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        var child: pid_t = 0
        let result = posix_spawn(&child, command[0], &actions, &attributes, argv, envp)
        close(fds[0])
        guard result == 0 else {
            close(fds[1])
            throw POSIXError(POSIXErrorCode(rawValue: result) ?? .EIO)
        }
        pid = child
        input = fds[1]
    }

    deinit {
        if status == nil {
            kill(pid, SIGKILL)
            _ = waitForExit(seconds: 10)
        }
        if input >= 0 { close(input) }
        unlink(outputPath)
    }

    /// The `bpfsh` built beside the test bundle.
    public static var executable: URL { KernelTestGate.executable }

    /// Writes statements (a newline is added).
    public func send(_ text: String) {
        let line = text.hasSuffix("\n") ? text : text + "\n"
        _ = line.withCString { write(input, $0, strlen($0)) }
    }

    /// Closes stdin: the shell sees the end of its input.
    public func closeInput() {
        if input >= 0 { close(input) }
        input = -1
    }

    public func signal(_ number: Int32) { kill(pid, number) }

    public var isAlive: Bool {
        guard status == nil else { return false }
        var raw: Int32 = 0
        if waitpid(pid, &raw, WNOHANG) == pid {
            status = raw
            return false
        }
        return true
    }

    /// Waits for the shell to end; its raw wait status, or nil after `seconds`.
    @discardableResult
    public func waitForExit(seconds: Double = 10) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while isAlive {
            if Date() > deadline { return nil }
            usleep(5_000)
        }
        return status
    }

    /// The exit code of a shell that exited normally, or nil (still running, or signalled).
    public var exitCode: Int32? {
        guard let status, status & 0x7f == 0 else { return nil }
        return (status >> 8) & 0xff
    }

    /// The signal that ended the shell, or nil.
    public var terminatingSignal: Int32? {
        guard let status, status & 0x7f != 0, status & 0x7f != 0x7f else { return nil }
        return status & 0x7f
    }

    /// Everything the shell wrote so far (stdout and stderr interleaved).
    public var output: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }

    /// Polls until `condition` holds, for up to `seconds`; whether it did.
    public func eventually(_ seconds: Double = 10, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        repeat {
            if condition() { return true }
            usleep(20_000)
        } while Date() < deadline
        return condition()
    }

    /// Waits until the output contains `text`.
    @discardableResult
    public func waitForOutput(_ text: String, seconds: Double = 10) -> Bool {
        eventually(seconds) { output.contains(text) }
    }
}

/// The BPF objects and perf events a process holds, from /proc/PID/fd and fdinfo (this
/// bpftool is built without its pid listing), and whether an object still exists anywhere.
public struct HeldKernelObjects: Equatable {
    public var programs: Set<Int> = []
    public var links: Set<Int> = []
    /// Program ids by link id.
    public var linkPrograms: [Int: Int] = [:]
    public var maps: Int = 0
    public var perfEvents: Int = 0

    public init(pid: pid_t) {
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? []
        for fd in fds {
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(fd)")
            else { continue }
            let info = (try? String(contentsOfFile: "/proc/\(pid)/fdinfo/\(fd)", encoding: .utf8)) ?? ""
            func field(_ name: String) -> Int? {
                info.split(separator: "\n").first { $0.hasPrefix(name + ":") }
                    .flatMap { Int($0.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces)) }
            }
            switch target {
            case "anon_inode:bpf-prog": if let id = field("prog_id") { programs.insert(id) }
            case "anon_inode:bpf_link":
                if let id = field("link_id") {
                    links.insert(id)
                    linkPrograms[id] = field("prog_id")
                }
            case "anon_inode:bpf-map": maps += 1
            case "anon_inode:[perf_event]": perfEvents += 1
            default: break
            }
        }
    }

    public static func programExists(_ id: Int) -> Bool {
        Spawn.run("/usr/sbin/bpftool", ["prog", "show", "id", String(id)]).status == 0
    }

    public static func linkExists(_ id: Int) -> Bool {
        Spawn.run("/usr/sbin/bpftool", ["link", "show", "id", String(id)]).status == 0
    }

    /// Perf events anywhere on the system with one of `programs` attached (bpftool lists
    /// tracepoint, kprobe and uprobe events; profile events are held by their BPF links).
    public static func perfEventsUsing(_ programs: Set<Int>) -> Int {
        let listing = Spawn.run("/usr/sbin/bpftool", ["perf", "show", "--json"]).output
        guard let data = listing.data(using: .utf8),
            let entries = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]]
        else { return 0 }
        return entries.filter { programs.contains(($0["prog_id"] as? Int) ?? -1) }.count
    }
}
