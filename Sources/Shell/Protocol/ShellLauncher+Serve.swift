import Foundation
import Session

extension ShellLauncher {
    /// `bpfsh --serve`: the machine protocol on standard input and output. Standard output
    /// is the protocol's alone: descriptor 1 is pointed at standard error, so nothing else
    /// (a `!` command, a workload, a stray write) can break a JSON line.
    public static func serve(options: TracingSession.Options) -> Int32 {
        CompilerWarmup.start()
        let protocolFD = dup(STDOUT_FILENO)
        dup2(STDERR_FILENO, STDOUT_FILENO)
        let lock = NSLock()
        let send: (String) -> Void = { line in
            lock.lock()
            defer { lock.unlock() }
            let bytes = Array((line + "\n").utf8)
            var written = 0
            while written < bytes.count {
                let n = bytes[written...].withUnsafeBytes { write(protocolFD, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                // The client is gone: end the session as a hang-up does.
                if n <= 0 {
                    ShellInterrupt.requestTermination()
                    return
                }
                written += n
            }
        }
        let system = LiveSystem()
        var shell: Shell!
        let session = system.makeSession(options: options, write: { text in shell?.probeOutput(text) })
        // The terminal rendering goes nowhere: every event reaches the client as itself.
        shell = Shell(session: session, reader: NoLineReader(), output: { _ in }, errors: { _ in })
        shell.completionSource = system.completionSource()
        shell.tutorialNames = TutorialLibrary().names()
        shell.missingFeature = { system.missingFeature(named: $0) }
        ShellInterrupt.install()
        signal(SIGPIPE, SIG_IGN)
        if let report = system.privilegesReport { fputs(report, stderr) }
        ProtocolServer(shell: shell, send: send).serve(input: STDIN_FILENO)
        return 0
    }
}

/// The served shell reads no lines of its own: statements come as requests.
final class NoLineReader: LineReader {
    func readLine(prompt: String) -> (line: String?, interrupted: Bool) { (nil, false) }
    func remember(_ statement: String) {}
    func printAbovePrompt(_ text: String) {}
    var isInteractive: Bool { false }
    func close() {}
}
