import CSpawn
import Foundation

/// Why the `-c` command could not be started.
public enum ChildCommandError: Error, Equatable, CustomStringConvertible {
    case empty
    case notFound(String)
    case notExecutable(String)
    case spawnFailed(errno: Int32)

    public var description: String {
        switch self {
        case .empty: return "the command is empty"
        case .notFound(let name): return "\(name): command not found (searched PATH)"
        case .notExecutable(let path): return "\(path) is not an executable file"
        case .spawnFailed(let code): return "cannot start it: \(String(cString: strerror(code)))"
        }
    }
}

/// The `-c` command: started before compilation (so `cpid` is known) but held at a gate
/// until every probe is attached, then released to exec the real command.
///
/// A plain command line is split into words and executed directly, as bpftrace does, so the
/// probes see the command from its first instruction and `cpid` never names a shell whose
/// image (and stacks) the exec replaces. Shell syntax (pipes, quotes, variables, redirections)
/// goes through /bin/sh.
final class ChildCommand {
    let pid: Int32
    private let gate: Int32
    private var exited = false

    /// Characters that need a shell to mean what the user meant.
    static let shellSyntax = Set("|&;<>()$`\\\"'*?[]#~=%{}!\n")

    /// The program and arguments to execute for a command line.
    static func invocation(for command: String, path: String? = ProcessInfo.processInfo.environment["PATH"])
        throws(ChildCommandError) -> (program: String, arguments: [String])
    {
        if command.contains(where: { shellSyntax.contains($0) }) {
            return ("/bin/sh", ["sh", "-c", "exec " + command])
        }
        let words = command.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let name = words.first else { throw .empty }
        return (try resolve(name, path: path), words)
    }

    /// execvp's search, done before fork so that the child only calls execve.
    static func resolve(_ name: String, path: String?) throws(ChildCommandError) -> String {
        if name.contains("/") {
            guard FileManager.default.fileExists(atPath: name) else { throw .notFound(name) }
            guard access(name, X_OK) == 0 else { throw .notExecutable(name) }
            return name
        }
        for directory in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = directory.isEmpty ? name : "\(directory)/\(name)"
            var info = stat()
            if stat(candidate, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, access(candidate, X_OK) == 0 {
                return candidate
            }
        }
        throw .notFound(name)
    }

    init(command: String) throws(ChildCommandError) {
        let (program, arguments) = try Self.invocation(for: command)
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw .spawnFailed(errno: errno) }
        // Neither end may leak into processes the shell starts later.
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        let pid = argv.withUnsafeBufferPointer { cspawn_gated(program, $0.baseAddress, environ, fds[0]) }
        close(fds[0])
        guard pid > 0 else {
            close(fds[1])
            throw .spawnFailed(errno: -pid)
        }
        self.pid = pid
        self.gate = fds[1]
    }

    func start() {
        _ = write(gate, "\n", 1)
        close(gate)
    }

    func hasExited() -> Bool {
        if exited { return true }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid { exited = true }
        return exited
    }

    func kill() {
        if !hasExited() {
            Glibc.kill(pid, SIGTERM)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            exited = true
        }
    }
}
