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
        let lock = NSLock()
        var stdoutData = Data(), stderrData = Data()
        let ready = DispatchSemaphore(value: 0)
        var signalled = false
        out.fileHandleForReading.readabilityHandler = { handle in
            let chunk = handle.availableData
            lock.lock()
            stdoutData.append(chunk)
            let text = String(decoding: stdoutData, as: UTF8.self)
            if !signalled, let marker = readyMarker, text.contains(marker) {
                signalled = true
                ready.signal()
            }
            lock.unlock()
        }
        err.fileHandleForReading.readabilityHandler = { handle in
            let chunk = handle.availableData
            lock.lock()
            stderrData.append(chunk)
            lock.unlock()
        }
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        try process.run()
        if let after {
            if readyMarker != nil { _ = ready.wait(timeout: .now() + timeout) }
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
        stdoutData.append(out.fileHandleForReading.readDataToEndOfFile())
        stderrData.append(err.fileHandleForReading.readDataToEndOfFile())
        lock.lock()
        defer { lock.unlock() }
        return CommandResult(
            status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
            stderr: String(decoding: stderrData, as: UTF8.self), timedOut: timedOut)
    }
}
