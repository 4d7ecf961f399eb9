import Foundation

/// Runs a session script through a shell, statement by statement, as if typed. The first
/// failing statement stops the script (unless `keepGoing`) with its file and line; what was
/// attached stays for the caller to tear down (`bpfsh FILE` ends the session, `source` keeps it).
public struct ScriptRunner {
    public struct Outcome {
        public var statementsRun = 0
        /// Statements that failed, by line.
        public var failures: [(line: Int, statement: String)] = []
        /// True when a failure stopped the script before its end.
        public var stopped = false
        public var succeeded: Bool { failures.isEmpty }
    }

    public var keepGoing = false
    public init(keepGoing: Bool = false) { self.keepGoing = keepGoing }

    /// Reads and runs the script at `path` with `parameters` added to the shell's.
    public func run(path: String, parameters: [String: String] = [:], in shell: Shell) -> Outcome {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else {
            shell.printError("\(path): cannot read the script: \(String(cString: strerror(errno)))")
            return Outcome(failures: [(0, "")], stopped: true)
        }
        do {
            return run(try ScriptFile(name: path, text: text), parameters: parameters, in: shell)
        } catch {
            shell.printError("\(error)")
            return Outcome(failures: [(0, "")], stopped: true)
        }
    }

    public func run(_ script: ScriptFile, parameters: [String: String] = [:], in shell: Shell) -> Outcome {
        let savedLocation = shell.scriptLocation
        let savedParameters = shell.parameters
        shell.parameters.merge(parameters) { _, given in given }
        defer {
            shell.scriptLocation = savedLocation
            // A sourced script's parameters are its own; its `param` defaults do not leak out.
            shell.parameters = savedParameters
        }
        var outcome = Outcome()
        let interrupts = ShellInterrupt.count
        for statement in script.statements {
            if shell.quitRequested { break }
            let signal =
                ShellInterrupt.terminationRequested ? "SIGTERM" : ShellInterrupt.count != interrupts ? "Ctrl-C" : nil
            if let signal {
                _ = ShellInterrupt.take()
                outcome.failures.append((statement.line, signal))
                outcome.stopped = true
                shell.printError("\(script.name):\(statement.line): interrupted (\(signal)): the script stops here")
                break
            }
            shell.scriptLocation = (script.name, statement.line)
            outcome.statementsRun += 1
            if !shell.execute(statement.text) {
                outcome.failures.append((statement.line, statement.text))
                if !keepGoing {
                    outcome.stopped = true
                    shell.printError(
                        "\(script.name):\(statement.line): script stopped here "
                            + "(\(outcome.statementsRun) of \(script.statements.count) statements run)"
                    )
                    break
                }
            }
        }
        if ShellInterrupt.terminationRequested && !outcome.stopped, let last = script.statements.last {
            outcome.failures.append((last.line, "SIGTERM"))
            outcome.stopped = true
            shell.printError("\(script.name):\(last.line): interrupted (SIGTERM)")
        }
        return outcome
    }
}
