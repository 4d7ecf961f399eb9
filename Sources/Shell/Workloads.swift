import Foundation

/// Background workloads started with `spawn`: listed with `jobs`, stopped with `stop` and
/// when the session ends. The newest one's pid is `cpid` for probes defined after it.
public final class Workloads {
    public struct Job {
        public var id: Int
        public var command: String
        public var process: Process
        public var pid: Int32 { process.processIdentifier }
        public var isRunning: Bool { process.isRunning }
    }
    public private(set) var jobs: [Job] = []
    private var nextID = 1

    public init() {}

    @discardableResult
    public func spawn(_ command: String) throws -> Job {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "exec " + command]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let job = Job(id: nextID, command: command, process: process)
        nextID += 1
        jobs.append(job)
        return job
    }

    public func stop(_ id: Int) -> Bool {
        guard let job = jobs.first(where: { $0.id == id }) else { return false }
        terminate(job.process)
        jobs.removeAll { $0.id == id }
        return true
    }

    public func stopAll() {
        for job in jobs { terminate(job.process) }
        jobs = []
    }

    private func terminate(_ process: Process) {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(1)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}
