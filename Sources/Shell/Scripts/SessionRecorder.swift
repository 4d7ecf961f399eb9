import Foundation

/// Writes what is typed as a replayable session script (`record FILE`, `--record FILE`). The
/// file is rewritten atomically after every statement, so a crash loses at most the statement
/// being typed. The waits the person typed are kept as typed (one cut short by Ctrl-C as the
/// time it really ran); time spent between statements while probes ran becomes a wait marked
/// `# idle`, so the replay gathers data for as long as the person did, and a replay with
/// `--max-wait` can shorten those without touching the typed ones. A statement that failed is kept as a comment,
/// so the replay does not stop where the person recovered. A failed write (a full disk) is
/// reported at once and tried again after the next statement (`TranscriptFile`).
public final class SessionRecorder {
    public var path: String { file.path }
    private let file: TranscriptFile
    private var lines: [String]
    /// Statements recorded (kept or commented out).
    private var entries = 0
    private var lastEnded = Date()
    /// When the running statement started, to record a wait cut short as what really ran.
    private var statementStarted = Date()
    private let clock: () -> Date
    /// The shell reports whether any probe was attached during a pause.
    private let probesAttached: () -> Bool
    static let selfCommands: Set<String> = ["record", "history", "notebook", "quit", "exit"]
    /// The comment that marks a wait nobody typed: time spent reading between statements.
    public static let idleMarker = "# idle"

    public init(
        path: String, force: Bool, header: String, probesAttached: @escaping () -> Bool,
        clock: @escaping () -> Date = Date.init
    ) throws {
        file = TranscriptFile(path: path, kind: .recording)
        self.clock = clock
        self.probesAttached = probesAttached
        lines = header.split(separator: "\n", omittingEmptySubsequences: false).map { "# " + $0 }
        try SafeFileWriter.write(text, to: path, force: force)
        lastEnded = clock()
    }

    var text: String { lines.joined(separator: "\n") + "\n" }

    /// Records a statement as it ends and rewrites the file; returns what to tell the user when
    /// the file could not be written, or could again.
    func observe(_ event: ShellEvent) -> TranscriptReport? {
        switch event {
        case .statementStarted(_, nested: true), .statementEnded(_, _, nested: true):
            return nil
        case .statementStarted(let statement, _):
            statementStarted = clock()
            let pause = statementStarted.timeIntervalSince(lastEnded)
            if pause >= 1, probesAttached(), !SessionRecorder.isOwnCommand(statement) {
                lines.append(String(format: "wait %.1fs  ", min(pause, 3600)) + Self.idleMarker)
            }
        case .statementEnded(let statement, let status, _):
            lastEnded = clock()
            if SessionRecorder.isOwnCommand(statement) { return nil }
            entries += 1
            if status == .interrupted, StatementClassifier.words(statement).first == "wait" {
                // Replaying the typed duration would wait longer than the person did.
                let ran = clock().timeIntervalSince(statementStarted)
                lines.append(String(format: "wait %.1fs  # %@, cut short with Ctrl-C", ran, statement))
            } else if status.succeeded {
                lines.append(statement)
            } else {
                lines.append(
                    contentsOf: statement.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map {
                        ($0.offset == 0 ? "# failed: " : "#         ") + $0.element
                    })
            }
            return file.write(Data(text.utf8), entries: entries)
        default:
            break
        }
        return nil
    }

    /// The last write: throws a `TranscriptReport` unless the file holds every statement.
    func finish() throws { try file.finish(Data(text.utf8), entries: entries) }

    /// Whether the words after a wait's duration mark it idle: `# idle`, or the comment of
    /// recordings made before the marker (`# time spent watching while recording`).
    static func isIdle(comment words: [String]) -> Bool {
        guard words.first == "#", words.count >= 2 else { return false }
        return words[1] == "idle" || words.dropFirst().joined(separator: " ") == "time spent watching while recording"
    }

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
