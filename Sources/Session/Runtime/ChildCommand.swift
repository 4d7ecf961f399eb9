import Foundation

/// The `-c` command: started before compilation (so `cpid` is known) but held at a gate
/// until every probe is attached, then released to exec the real command.
final class ChildCommand {
    let pid: Int32
    private let gate: Int32
    private var exited = false

    init(command: String) throws {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw POSIXError(.EIO) }
        var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_adddup2(&actions, fds[0], 3)
        posix_spawn_file_actions_addclose(&actions, fds[1])
        defer { posix_spawn_file_actions_destroy(&actions) }
        let script = "read _ <&3; exec 3<&-; exec \(command)"
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("sh"), strdup("-c"), strdup(script), nil]
        defer { for p in argv { free(p) } }
        let result = posix_spawn(&pid, "/bin/sh", &actions, nil, argv, environ)
        close(fds[0])
        guard result == 0 else {
            close(fds[1])
            throw POSIXError(.ENOENT)
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
