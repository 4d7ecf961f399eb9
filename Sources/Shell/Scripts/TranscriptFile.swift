import Foundation

/// A transcript (a recording, a notebook, the line editor's history) rewritten after every statement. A write that
/// fails is said at once, the file keeps its last good copy (SafeFileWriter renames only a
/// whole file into place), and the next statement tries again; the first write that succeeds
/// after a failure says the transcript is whole again. A failure that repeats with the same
/// reason is not said again at every statement.
final class TranscriptFile {
    let path: String
    let kind: TranscriptReport.Kind
    /// Statements in the copy on disk.
    private(set) var savedEntries = 0
    private(set) var failure: FileWriteError?

    init(path: String, kind: TranscriptReport.Kind) {
        self.path = path
        self.kind = kind
    }

    /// Writes the whole transcript, holding `entries` statements; returns what to tell the user
    /// when the file stopped or started again being up to date.
    func write(_ data: Data, entries: Int) -> TranscriptReport? {
        do {
            try SafeFileWriter.write(data, to: path, force: true)
        } catch let error as FileWriteError {
            defer { failure = error }
            return failure == error ? nil : .failed(kind, error, kept: savedEntries)
        } catch {
            return .failed(kind, FileWriteError(path: path, reason: .system(.write, EIO)), kept: savedEntries)
        }
        savedEntries = entries
        guard failure != nil else { return nil }
        failure = nil
        return .recovered(kind, path: path, entries: entries)
    }

    /// The last write, when the transcript ends: an error unless the file holds everything.
    func finish(_ data: Data, entries: Int) throws {
        do {
            try SafeFileWriter.write(data, to: path, force: true)
            savedEntries = entries
            failure = nil
        } catch let error as FileWriteError {
            failure = error
            throw TranscriptReport.notSaved(kind, error, kept: savedEntries)
        }
    }
}

/// What the shell says about a transcript's file: a failed write, a recovery, a final failure.
enum TranscriptReport: Error, CustomStringConvertible, Equatable {
    enum Kind: String { case recording, notebook, history }
    case failed(Kind, FileWriteError, kept: Int)
    case recovered(Kind, path: String, entries: Int)
    case notSaved(Kind, FileWriteError, kept: Int)

    var description: String {
        switch self {
        case .failed(let kind, let error, let kept):
            return "\(error): the \(kind.rawValue) keeps its last good copy (\(Self.statements(kept))) "
                + "and is written again after the next statement"
        case .recovered(let kind, let path, let entries):
            return "the \(kind.rawValue) \(path) is written again: all \(Self.statements(entries))"
        case .notSaved(let kind, let error, let kept):
            return
                "\(kind.rawValue) not saved: \(error); \(error.path) keeps its last good copy (\(Self.statements(kept)))"
        }
    }

    static func statements(_ n: Int) -> String { "\(n) statement\(n == 1 ? "" : "s")" }
}
