import Tables

/// Queries that compose: `@runq_us | where key == "webworker" | hist`. The stages are pure
/// (`Tables/Query`); this runs one and hands its result to a view or a file. A view or file
/// stage is the table command of the same name, given the result as its table.
enum QueryCommands {
    /// Whether a statement is a query: a `|` between stages, and it starts with a table
    /// (`@map`, a kept table) or a table command with its table. A probe program, `!` and
    /// other commands (`watch ... | ...`) keep their own meaning.
    static func isQuery(_ text: String, in shell: Shell) -> Bool {
        guard !StatementClassifier.looksLikeProgram(text), QueryText.isPipeline(text),
            let first = StatementClassifier.words(text).first
        else { return false }
        return first.hasPrefix("@") || QueryStage.commandsWithTable.contains(first)
            || shell.command(named: first) == nil
    }

    static func run(_ text: String, in shell: Shell) throws {
        func failure(_ error: QueryError) -> CommandError { CommandError(error, in: text) }
        let pipeline: QueryPipeline
        switch QueryPipeline.parse(text) {
        case .success(let parsed): pipeline = parsed
        case .failure(let error): throw failure(error)
        }
        let source: MapTable
        do { source = try shell.tables.table(pipeline.source.text) } catch {
            throw failure(
                QueryError(offset: pipeline.source.offset, length: pipeline.source.text.count, message: "\(error)"))
        }
        let environment = QueryPipeline.Environment(
            table: { try shell.tables.table($0) },
            keep: { table, name in
                try shell.tables.keep(table, as: name)
                shell.print("\(name) kept (\(table.rows.count) rows)")
            })
        let result: MapTable
        switch pipeline.run(on: source, environment: environment) {
        case .success(let table): result = table
        case .failure(let error): throw failure(error)
        }
        if let output = pipeline.output {
            try deliver(result, to: output.stage, arguments: output.arguments, of: pipeline, in: shell)
        } else if case .keep = pipeline.stages.last {
            return
        } else {
            shell.show(result, text: ColumnTable.render(result))
        }
    }

    /// A view or a file stage: the renderers here, the rest through the table command of the
    /// same name with the result lent under a name.
    static func deliver(
        _ table: MapTable, to stage: QueryText.Piece, arguments: [String], of pipeline: QueryPipeline, in shell: Shell
    ) throws {
        let usage = CommandError("\(stage.text): unexpected '\(arguments.joined(separator: " "))'")
        switch stage.text {
        case "columns":
            guard arguments.isEmpty else { throw usage }
            shell.show(table, text: ColumnTable.render(table))
        case "print":
            guard arguments.count <= 1, let top = Int(arguments.first ?? "0") else { throw usage }
            shell.show(table, text: BpftraceTextRenderer.render(table, options: PrintOptions(top: top)))
        case "json":
            guard arguments.isEmpty else { throw usage }
            shell.show(table, text: JSONRenderer.render(table))
        case "markdown":
            guard arguments.isEmpty else { throw usage }
            let (headers, rows) = ColumnTable.columns(table)
            shell.show(table, text: MarkdownTable.render(headers: headers, rows: rows))
        default:
            guard let command = shell.command(named: stage.text) else { throw usage }
            // Keys as the map's own (so `stack fold` knows kernel from user stacks by the map's
            // types) unless a stage made new keys.
            let keepsKeys = pipeline.stages.allSatisfy { stage in
                switch stage {
                case .group, .select, .join: return false
                default: return true
                }
            }
            let name = keepsKeys ? pipeline.source.text : "query"
            var words = [name] + arguments
            if stage.text == "stack" {
                guard arguments.first == "fold" else { throw CommandError("usage: ... | stack fold [> FILE]") }
                words = ["fold", name] + arguments.dropFirst()
            }
            try shell.tables.lending(table, as: name) {
                try command.run(shell, words, words.joined(separator: " "))
            }
        }
    }
}
