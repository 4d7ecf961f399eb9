import Tables

/// One shell command: its words, help, argument completion and behaviour. The table of
/// commands drives dispatch, `help` and tab completion alike.
public struct Command {
    public enum ArgumentKind { case none, probe, map, command, shellText, duration, file }
    public var name: String
    public var aliases: [String] = []
    public var usage: String
    public var summary: String
    public var details: String = ""
    public var argument: ArgumentKind = .none
    public var run: (Shell, [String], String) throws -> Void

    public init(
        name: String, aliases: [String] = [], usage: String, summary: String, details: String = "",
        argument: ArgumentKind = .none, run: @escaping (Shell, [String], String) throws -> Void
    ) {
        self.name = name
        self.aliases = aliases
        self.usage = usage
        self.summary = summary
        self.details = details
        self.argument = argument
        self.run = run
    }
}

/// A command used wrongly: the message says how to use it. A query's error also says which
/// characters of the statement are at fault (`range`, with `summary` its message without the
/// caret lines), for clients that mark them.
public struct CommandError: Error, CustomStringConvertible {
    public var description: String
    public var summary: String
    public var range: (offset: Int, length: Int)?

    public init(_ description: String) {
        self.description = description
        self.summary = description
    }

    public init(_ error: QueryError, in statement: String) {
        self.description = error.pointing(into: statement)
        self.summary = error.message
        self.range = (error.offset, error.length)
    }
}
