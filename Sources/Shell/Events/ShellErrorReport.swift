import Language
import Session
import Tables

/// An error as a shell event: the message as the terminal prints it (carets included) and the
/// places in the source it points at, so an editor or a notebook can mark them.
public struct ShellErrorReport: Equatable, Sendable {
    /// A range in a probe's source or in the statement. Lines and columns count from 1; the
    /// end column is exclusive. `file` is a script's path, or the probe's name for a probe
    /// typed at the prompt, or nil for the statement itself (a query).
    public struct Location: Equatable, Sendable {
        public var file: String?
        public var line: Int
        public var column: Int
        public var endLine: Int
        public var endColumn: Int
        public var message: String
        public var severity: String
    }

    public var message: String
    public var locations: [Location]

    public init(message: String, locations: [Location] = []) {
        self.message = message
        self.locations = locations
    }

    /// The places an error points at, when it knows them.
    static func locations(of error: any Error) -> [Location] {
        switch error {
        case SessionError.diagnostics(let list, let source), SessionError.rejected(let list, let source):
            return list.diagnostics.map { diagnostic in
                let start = source.location(of: diagnostic.range.start)
                let end = source.location(of: diagnostic.range.end)
                return Location(
                    file: source.name, line: start.line + source.firstLine - 1, column: start.column,
                    endLine: end.line + source.firstLine - 1, endColumn: max(end.column, start.column + 1),
                    message: diagnostic.message, severity: diagnostic.severity.rawValue)
            }
        case let error as CommandError:
            guard let range = error.range else { return [] }
            return [
                Location(
                    file: nil, line: 1, column: range.offset + 1, endLine: 1,
                    endColumn: range.offset + range.length + 1, message: error.summary, severity: "error")
            ]
        default:
            return []
        }
    }
}
