import Tables

/// What happens in a shell, as the recorder, the notebook and `history` see it. Commands print
/// text; tables and written files are reported as themselves so a notebook can show a table
/// as a table and link a flame graph.
public enum ShellEvent {
    /// `nested` for statements run by another (a sourced script, a tutorial step): a notebook
    /// shows them, a recording keeps only the outer statement that will run them again.
    case statementStarted(String, nested: Bool)
    case output(String)
    case error(String)
    case probeOutput(String)
    case table(MapTable, text: String)
    case columns(headers: [String], rows: [[String]], text: String)
    case file(String)
    case statementEnded(String, succeeded: Bool, nested: Bool)
}
