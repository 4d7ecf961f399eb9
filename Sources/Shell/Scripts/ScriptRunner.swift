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
    /// Caps the idle waits of a recording (`wait 320.9s  # idle`) at this many seconds;
    /// nil leaves them as recorded. Scripts this one sources inherit it.
    public var maxWait: Double?
    /// How deeply scripts may source scripts.
    public static let maximumDepth = 16
    public init(keepGoing: Bool = false, maxWait: Double? = nil) {
        self.keepGoing = keepGoing
        self.maxWait = maxWait
    }

    /// Reads and runs the script at `path` with `parameters` added to the shell's.
    public func run(path: String, parameters: [String: String] = [:], in shell: Shell) -> Outcome {
        do {
            let text = try ScriptBytes.read(path)
            return run(try ScriptFile(name: path, text: text), parameters: parameters, in: shell)
        } catch {
            shell.printError("\(error)")
            return Outcome(failures: [(0, "")], stopped: true)
        }
    }

    public func run(_ script: ScriptFile, parameters: [String: String] = [:], in shell: Shell) -> Outcome {
        let identity = Self.identity(of: script.name)
        if let refusal = Self.refusal(toRun: script.name, identity: identity, chain: shell.scriptChain) {
            shell.printError(refusal)
            return Outcome(failures: [(0, "")], stopped: true)
        }
        shell.scriptChain.append((script.name, identity, 0))
        defer { shell.scriptChain.removeLast() }
        let savedLocation = shell.scriptLocation
        let savedParameters = shell.parameters
        let savedMaxWait = shell.maxIdleWait
        if let maxWait { shell.maxIdleWait = min(maxWait, shell.maxIdleWait ?? maxWait) }
        shell.parameters.merge(parameters) { _, given in given }
        defer {
            shell.scriptLocation = savedLocation
            shell.maxIdleWait = savedMaxWait
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
            shell.scriptChain[shell.scriptChain.count - 1].line = statement.line
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

    /// The same file whatever path names it (`./a.bpfsh`, a symbolic link...).
    static func identity(of path: String) -> String {
        var info = stat()
        if stat(path, &info) == 0 { return "\(info.st_dev):\(info.st_ino)" }
        return (path as NSString).standardizingPath
    }

    /// Why a script cannot run from inside the scripts already running, or nil: it would
    /// source itself without end (a cycle), or the chain is too deep.
    static func refusal(
        toRun name: String, identity: String, chain: [(file: String, identity: String, line: Int)]
    ) -> String? {
        let path = (chain.map { "\($0.file):\($0.line)" } + [name]).joined(separator: " → ")
        if chain.contains(where: { $0.identity == identity }) {
            return "\(name) is already running (\(path)): a script cannot source itself, even through others"
        }
        if chain.count >= maximumDepth {
            return "scripts source each other more than \(maximumDepth) deep (\(path)): source stops here"
        }
        return nil
    }
}
