import CSpawn
import Foundation

/// Background workloads started with `spawn`: listed with `jobs`, stopped with `stop` and
/// when the session ends. The newest one's pid is `cpid` for probes defined after it.
///
/// A workload cannot outlive the shell: it is started with PR_SET_PDEATHSIG, so the kernel
/// kills it when the shell dies, even by SIGKILL. It holds none of the shell's descriptors
/// (no BPF program, link or map stays open through it), runs in its own process group (Ctrl-C
/// at the shell's terminal cancels a `wait`, not the workload) and has /dev/null for input
/// and output.
public final class Workloads {
    public struct Job {
        public var id: Int
        public var command: String
        public let pid: Int32
        fileprivate let state: ExitState
        public var isRunning: Bool { !state.hasExited(pid) }
    }

    /// Whether a child was reaped; shared by copies of its `Job`.
    fileprivate final class ExitState {
        var exited = false
        func hasExited(_ pid: Int32) -> Bool {
            if exited { return true }
            var status: Int32 = 0
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid || (result < 0 && errno == ECHILD) { exited = true }
            return exited
        }
        /// Waits up to `seconds` for the child to end; whether it did.
        func wait(_ pid: Int32, seconds: Double) -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while !hasExited(pid) {
                if Date() >= deadline { return false }
                usleep(5_000)
            }
            return true
        }
    }

    public private(set) var jobs: [Job] = []
    private var nextID = 1

    public init() {}

    public struct SpawnError: Error, CustomStringConvertible {
        public var command: String
        public var errno: Int32
        public var description: String { "cannot start '\(command)': \(String(cString: strerror(errno)))" }
    }

    /// Starts `command` through /bin/sh (`exec`ed, so the job's pid is the command's).
    @discardableResult
    public func spawn(_ command: String) throws -> Job {
        let arguments = ["/bin/sh", "-c", "exec " + command]
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let pid = argv.withUnsafeBufferPointer { cspawn_start("/bin/sh", $0.baseAddress, environ) }
        guard pid > 0 else { throw SpawnError(command: command, errno: -pid) }
        let job = Job(id: nextID, command: command, pid: pid, state: ExitState())
        nextID += 1
        jobs.append(job)
        return job
    }

    public func stop(_ id: Int) -> Bool {
        guard let job = jobs.first(where: { $0.id == id }) else { return false }
        terminate(job)
        jobs.removeAll { $0.id == id }
        return true
    }

    public func stopAll() {
        for job in jobs { terminate(job) }
        jobs = []
    }

    /// SIGTERM, then SIGKILL after a second; always reaps the child.
    private func terminate(_ job: Job) {
        guard !job.state.hasExited(job.pid) else { return }
        // The whole process group: `sh -c 'while ...'` has children of its own.
        kill(-job.pid, SIGTERM)
        if job.state.wait(job.pid, seconds: 1) {
            kill(-job.pid, SIGKILL)  // children that ignored SIGTERM
            return
        }
        kill(-job.pid, SIGKILL)
        _ = job.state.wait(job.pid, seconds: 5)
    }
}
