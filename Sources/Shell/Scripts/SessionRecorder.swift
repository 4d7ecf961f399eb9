import Foundation

/// Writes what is typed as a replayable session script (`record FILE`, `--record FILE`). The
/// file is rewritten atomically after every statement, so a crash loses at most the statement
/// being typed. Time spent watching probes between statements becomes a `wait`, so the replay
/// gathers data for as long as the person did; a statement that failed is kept as a comment,
/// so the replay does not stop where the person recovered.
public final class SessionRecorder {
    public let path: String
    private var lines: [String]
    private var lastEnded = Date()
    private let clock: () -> Date
    /// The shell reports whether any probe was attached during a pause.
    private let probesAttached: () -> Bool
    static let selfCommands: Set<String> = ["record", "history", "notebook", "quit", "exit"]

    public init(
        path: String, force: Bool, header: String, probesAttached: @escaping () -> Bool,
        clock: @escaping () -> Date = Date.init
    ) throws {
        self.path = path
        self.clock = clock
        self.probesAttached = probesAttached
        lines = header.split(separator: "\n", omittingEmptySubsequences: false).map { "# " + $0 }
        try SafeFileWriter.write(text, to: path, force: force)
        lastEnded = clock()
    }

    var text: String { lines.joined(separator: "\n") + "\n" }

    func observe(_ event: ShellEvent) {
        switch event {
        case .statementStarted(_, nested: true), .statementEnded(_, _, nested: true):
            return
        case .statementStarted(let statement, _):
            let pause = clock().timeIntervalSince(lastEnded)
            if pause >= 1, probesAttached(), !SessionRecorder.isOwnCommand(statement) {
                lines.append(String(format: "wait %.1fs    # time spent watching while recording", min(pause, 3600)))
            }
        case .statementEnded(let statement, let status, _):
            lastEnded = clock()
            if SessionRecorder.isOwnCommand(statement) { return }
            if status.succeeded {
                lines.append(statement)
            } else {
                lines.append(
                    contentsOf: statement.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map {
                        ($0.offset == 0 ? "# failed: " : "#         ") + $0.element
                    })
            }
            try? SafeFileWriter.write(text, to: path, force: true)
        default:
            break
        }
    }

    func finish() { try? SafeFileWriter.write(text, to: path, force: true) }

    static func isOwnCommand(_ statement: String) -> Bool {
        selfCommands.contains(StatementClassifier.words(statement).first ?? "")
    }

    /// A script of the statements that succeeded, for `history save`.
    static func script(of history: [(statement: String, succeeded: Bool)], header: String) -> String {
        let body = history.filter { $0.succeeded && !isOwnCommand($0.statement) }.map(\.statement)
        return (header.split(separator: "\n", omittingEmptySubsequences: false).map { "# " + $0 } + body).joined(
            separator: "\n") + "\n"
    }
}
