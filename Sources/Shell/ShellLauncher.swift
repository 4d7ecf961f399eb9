import Foundation
import Kernel
import Session

/// Wires the shell to the running kernel and the terminal (or a non-terminal stdin).
public enum ShellLauncher {
    /// Runs the interactive shell until the user leaves; returns the exit status.
    public static func run(options: TracingSession.Options, historyPath: String? = nil) -> Int32 {
        let kernelCatalogue = Kernel.ProbeCatalogue()
        let interactive = isatty(STDIN_FILENO) != 0
        let history = historyPath ?? ProcessInfo.processInfo.environment["BPFSH_HISTORY"]
            ?? (NSHomeDirectory() as NSString).appendingPathComponent(".bpfsh_history")
        let reader: LineReader = (interactive ? EditLineReader(historyPath: history) : nil) ?? PlainLineReader()
        var shell: Shell!
        let session = TracingSession(backend: LinuxBackend(catalogue: kernelCatalogue), catalogue: LiveCatalogue(kernel: kernelCatalogue),
                                     options: options, write: { text in shell?.probeOutput(text) })
        var features: KernelFeatures?
        func probeFeatures() -> KernelFeatures {
            if let features { return features }
            let probed = KernelFeatures.probe(catalogue: kernelCatalogue)
            features = probed
            return probed
        }
        shell = Shell(session: session, reader: reader,
                      output: { text in fputs(text, stdout); fflush(stdout) },
                      errors: { text in fflush(stdout); fputs(text, stderr) },
                      featureReport: { (probeFeatures().banner(), probeFeatures().report()) })
        ShellInterrupt.install()
        signal(SIGPIPE, SIG_IGN)
        if interactive {
            fputs("bpfsh 0.1 · Linux \(kernelRelease()) · \(probeFeatures().banner())\n", stdout)
            fputs("type help for commands; NAME = PROBE { ... } defines a probe\n", stdout)
        }
        if let editor = reader as? EditLineReader {
            editor.eventFD = { [weak session] in session?.eventReadinessFD ?? -1 }
            editor.pumpEvents = { [weak shell] in shell?.pumpEvents() }
            let source = LiveCompletionSource(catalogue: kernelCatalogue)
            editor.complete = { [weak shell] before in
                guard let shell else { return ("", []) }
                let completer = Completer(source: source, commands: shell.commands.map(\.name),
                                          probeNames: shell.session.probes.map(\.name),
                                          mapNames: shell.session.mapInfos.map(\.name))
                return completer.complete(before)
            }
        }
        shell.run()
        shell.shutdown()
        if interactive { fputs("\n", stdout) }
        return 0
    }

    static func kernelRelease() -> String {
        var name = utsname()
        uname(&name)
        return withUnsafeBytes(of: name.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
}
