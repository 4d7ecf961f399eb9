import Foundation
@_exported import TestGate
import XCTest

/// The gate itself lives in the leaf target TestGate, shared with the targets that cannot
/// depend on TestSupport; importing TestSupport brings it along.
extension KernelTestGate {
    /// The `bpfsh` executable built beside the test bundle.
    public static var executable: URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // The test binary lives in bpfshPackageTests.xctest (a file on Linux) in the build dir.
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("bpfsh").path),
            directory.path != "/"
        {
            directory = directory.deletingLastPathComponent()
        }
        return directory.appendingPathComponent("bpfsh")
    }
}

/// Runs a command with a deadline and captures its output.
public struct CommandResult {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    public var timedOut: Bool
}

public enum CommandRunner {
    /// Runs `executable` with `arguments`; `after` runs through /bin/sh once the child's stdout
    /// shows `readyMarker` (or right away when nil). Kills the child after `timeout` seconds.
    /// `captureOutput: false` for commands that leave a daemon behind holding their stdout
    /// (tmux new-session): reading to the end of that pipe would never finish.
    ///
    /// With `interruptAfter`, the child gets SIGINT once `after` has finished: a one-shot run
    /// then ends as with `exit()` (END runs, maps print) when its workload is done, however long
    /// a loaded machine made it take. `environment` entries are added to the inherited ones.
    public static func run(
        _ executable: URL, _ arguments: [String], after: String? = nil,
        readyMarker: String? = "Attached", timeout: Double = 10, captureOutput: Bool = true,
        interruptAfter: Bool = false, environment: [String: String] = [:]
    ) throws -> CommandResult {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        if !captureOutput {
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            process.standardInput = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            return CommandResult(status: process.terminationStatus, stdout: "", stderr: "", timedOut: false)
        }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let captured = CapturedOutput(readyMarker: readyMarker)
        out.fileHandleForReading.readabilityHandler = { captured.append(stdout: $0.availableData) }
        err.fileHandleForReading.readabilityHandler = { captured.append(stderr: $0.availableData) }
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        try process.run()
        if let after {
            if readyMarker != nil { _ = captured.ready.wait(timeout: .now() + timeout) }
            let helper = Process()
            helper.executableURL = URL(fileURLWithPath: "/bin/sh")
            helper.arguments = ["-c", after]
            helper.standardOutput = FileHandle.nullDevice
            helper.standardError = FileHandle.nullDevice
            try helper.run()
            helper.waitUntilExit()
            if interruptAfter, process.isRunning { kill(process.processIdentifier, SIGINT) }
        }
        var timedOut = false
        if finished.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            process.interrupt()
            if finished.wait(timeout: .now() + 3) == .timedOut {
                kill(process.processIdentifier, SIGKILL)
                finished.wait()
            }
        }
        // Let the readers collect the last bytes.
        Thread.sleep(forTimeInterval: 0.05)
        out.fileHandleForReading.readabilityHandler = nil
        err.fileHandleForReading.readabilityHandler = nil
        captured.append(stdout: out.fileHandleForReading.readDataToEndOfFile())
        captured.append(stderr: err.fileHandleForReading.readDataToEndOfFile())
        let (stdout, stderr) = captured.texts()
        return CommandResult(status: process.terminationStatus, stdout: stdout, stderr: stderr, timedOut: timedOut)
    }
}

/// A child's output as its pipes' handlers deliver it (on other threads), and a signal when
/// standard output first holds the ready marker.
private final class CapturedOutput: @unchecked Sendable {
    let ready = DispatchSemaphore(value: 0)
    private let readyMarker: String?
    private let lock = NSLock()
    private var stdoutData = Data(), stderrData = Data()
    private var signalled = false

    init(readyMarker: String?) { self.readyMarker = readyMarker }

    func append(stdout chunk: Data) {
        lock.lock()
        defer { lock.unlock() }
        stdoutData.append(chunk)
        if !signalled, let readyMarker, String(decoding: stdoutData, as: UTF8.self).contains(readyMarker) {
            signalled = true
            ready.signal()
        }
    }

    func append(stderr chunk: Data) {
        lock.lock()
        defer { lock.unlock() }
        stderrData.append(chunk)
    }

    func texts() -> (String, String) {
        lock.lock()
        defer { lock.unlock() }
        return (String(decoding: stdoutData, as: UTF8.self), String(decoding: stderrData, as: UTF8.self))
    }
}
