import Foundation

/// Runs a `!` command with its standard output and error collected, the error pipe read on
/// its own thread so a command that fills one pipe while bpfsh reads the other cannot deadlock.
enum ShellCommandOutput {
    private final class Collected: @unchecked Sendable { var data = Data() }

    static func run(_ process: Process) throws -> (output: String, errors: String) {
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let errorText = Collected()
        let errorsRead = DispatchSemaphore(value: 0)
        let errorHandle = errors.fileHandleForReading
        DispatchQueue.global().async {
            errorText.data = errorHandle.readDataToEndOfFile()
            errorsRead.signal()
        }
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        errorsRead.wait()
        process.waitUntilExit()
        return (String(decoding: outputData, as: UTF8.self), String(decoding: errorText.data, as: UTF8.self))
    }
}
