import Foundation

extension Shell {
    /// Whether text typed so far is a whole statement: an unclosed `{` (or an attach-point
    /// list ending in a comma) wants more lines, a `}` too many can never be completed.
    public enum Completeness: String, Sendable {
        case complete, incomplete, invalid
    }

    public static func completeness(of code: String) -> Completeness {
        let depth = InputAssembler.openBraces(in: code)
        if depth < 0 { return .invalid }
        if depth > 0 { return .incomplete }
        var assembler = InputAssembler()
        return assembler.add(code) == nil ? .incomplete : .complete
    }

    /// Runs a cell: what one would type at the prompt, one statement after another (a probe
    /// may span lines), stopping at the first that fails or is interrupted. `started` is
    /// told each statement's line in the cell before it runs.
    public func runCell(_ code: String, started: (Int) -> Void = { _ in }) -> StatementStatus {
        let file: ScriptFile
        do { file = try ScriptFile(name: "cell", text: code) } catch {
            emit(.error(ShellErrorReport(message: "bpfsh: this cell's '{' is never closed\n")))
            return .failed
        }
        for (index, statement) in file.statements.enumerated() {
            // The client went away or SIGTERM came: what is left of the cell does not run.
            if index > 0 && ShellInterrupt.terminationRequested { return .interrupted }
            started(statement.line)
            statementInterrupted = false
            let succeeded = execute(statement.text)
            if !succeeded { return .failed }
            if statementInterrupted { return .interrupted }
            if quitRequested { return .succeeded }
        }
        return .succeeded
    }
}
