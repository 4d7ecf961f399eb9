import Specs

/// A query: a source table and stages joined by `|`, e.g.
///
///     @files | where key1 ~ "agentd" | group by key2 | top 10 | save x.csv
///     where @runq_us key == "webworker" | hist
///
/// The first stage is a table name, or a table command with its table argument (the
/// table becomes the source). Stages that make tables run here, purely; a final output
/// stage (a view or a file) and `as NAME` are handed to the caller through `Environment`.
public struct QueryPipeline: Hashable, Sendable {
    public var source: QueryText.Piece
    public var stages: [QueryStage]

    /// What running a query needs from outside: other tables by name (`join`, `diff`) and
    /// keeping a table under a name (`as NAME`).
    public struct Environment {
        public var table: (String) throws -> MapTable
        public var keep: (MapTable, String) throws -> Void
        public init(table: @escaping (String) throws -> MapTable, keep: @escaping (MapTable, String) throws -> Void) {
            self.table = table
            self.keep = keep
        }
    }

    /// The last stage when it is a view or a file, with its words.
    public var output: (stage: QueryText.Piece, arguments: [String])? {
        if case .output(let stage, let arguments) = stages.last { return (stage, arguments) }
        return nil
    }

    /// Parses a statement with at least one `|` (see `QueryText.isPipeline`).
    public static func parse(_ text: String) -> Result<QueryPipeline, QueryError> {
        var pieces = QueryText.stages(text)
        let first = pieces.removeFirst()
        let words = QueryText.words(first)
        guard let head = words.first else {
            return .failure(
                QueryError(offset: first.offset, message: "a query starts with a table, e.g. @calls | top 5"))
        }
        var stages: [QueryStage] = []
        let source: QueryText.Piece
        if words.count == 1 {
            source = head
        } else if QueryStage.commandsWithTable.contains(head.text) {
            // `where @x COND`: the table argument is the source, the rest is a stage.
            source = words[1]
            // The table argument blanked out, so every offset stays that of the statement.
            var chars = Array(first.text)
            let start = source.offset - first.offset
            for index in start..<min(chars.count, start + source.text.count) { chars[index] = " " }
            switch QueryStage.parse(QueryText.Piece(String(chars), offset: first.offset)) {
            case .success(let stage): stages.append(stage)
            case .failure(let error): return .failure(error)
            }
        } else {
            return .failure(
                QueryError(
                    offset: words[1].offset, length: words[1].text.count,
                    message: "a query starts with a table alone (@calls | ...) or a table command with its table "
                        + "(where @calls value > 5 | ...)"))
        }
        for (index, piece) in pieces.enumerated() {
            var piece = piece
            // `... | top 10 as hot`: a final `as NAME` keeps the result (inside select it names a column).
            var keep: QueryText.Piece?
            let words = QueryText.words(piece)
            if index == pieces.count - 1, words.count >= 3, words[words.count - 2].text == "as",
                words[0].text != "select", words[0].text != "as"
            {
                keep = words[words.count - 1]
                piece = QueryText.Piece(
                    String(piece.text.prefix(words[words.count - 2].offset - piece.offset)).trimmingSpaces,
                    offset: piece.offset)
            }
            switch QueryStage.parse(piece) {
            case .success(let stage): stages.append(stage)
            case .failure(let error): return .failure(error)
            }
            if let keep { stages.append(.keep(keep)) }
        }
        for (index, stage) in stages.enumerated() where stage.isOutput && index != stages.count - 1 {
            if case .output(let word, _) = stage {
                return .failure(
                    QueryError(
                        offset: word.offset, length: word.text.count,
                        message: "'\(word.text)' shows or writes the table, so it must be the last stage"))
            }
        }
        return .success(QueryPipeline(source: source, stages: stages))
    }

    /// Runs every stage but a final output on `table`; `as NAME` keeps through `environment`.
    public func run(on table: MapTable, environment: Environment) -> Result<MapTable, QueryError> {
        var current = table
        for stage in stages {
            do {
                current = try Self.apply(stage, to: current, environment)
            } catch let error as QueryError {
                return .failure(error)
            } catch {
                return .failure(QueryError(offset: source.offset, message: "\(error)"))
            }
        }
        return .success(current)
    }

    static func apply(_ stage: QueryStage, to table: MapTable, _ environment: Environment) throws -> MapTable {
        switch stage {
        case .filter(let condition):
            switch RowPredicate.parse(condition.text, for: table) {
            case .success(let predicate): return TableQuery.filter(table, predicate)
            case .failure(let error):
                var message = error.message
                if message.hasPrefix("unknown column") {
                    message += ": \(table.name) has " + TableColumn.names(of: table).joined(separator: ", ")
                }
                throw QueryError(offset: condition.offset + error.offset, message: message)
            }
        case .top(let count, let by, let ascending) where table.series != nil:
            // A series ranks its keys by their last sample, with a sparkline of every sample.
            let summary = SeriesSummary.summary(table.with(rows: []))
            return SeriesSummary.top(
                table, n: count, by: try by.map { try column($0, in: summary) }, ascending: ascending)
        case .top(let count, let by, let ascending):
            return TableQuery.top(table, n: count, by: try by.map { try column($0, in: table) }, ascending: ascending)
        case .sort(let by, let ascending):
            return TableQuery.sort(table, by: try by.map { try column($0, in: table) }, ascending: ascending)
        case .group(let by, let function):
            return TableGroup.group(table, by: try by.map { try column($0, in: table) }, function: function)
        case .select(let items):
            var resolved: [String: TableColumn] = [:]
            for item in items {
                for used in item.expression.columns {
                    resolved[used.name] = try column(QueryText.Piece(used.name, offset: used.offset), in: table)
                }
            }
            return TableSelect.select(
                table,
                items.map { TableSelect.Item(expression: $0.expression, name: $0.name, isAliased: $0.isAliased) },
                resolved: resolved)
        case .normalize(let n):
            return TableScale.normalize(table, by: n)
        case .rate(let word) where table.series != nil:
            return try series(SeriesChange.rate(table), at: word)
        case .delta(let word):
            return try series(SeriesChange.delta(table), at: word)
        case .rate(let word):
            guard let rated = TableScale.rate(table) else {
                throw QueryError(
                    offset: word.offset, length: word.text.count,
                    message: "rate needs the time \(table.name) covers: live maps and their snapshots know it, "
                        + "loaded files do not")
            }
            return rated
        case .join(let names):
            let others = try names.map { name in try resolve(name, environment) }
            return TableJoin.table([table] + others)
        case .diff(let name):
            let before = try resolve(name, environment)
            var changed = TableDiff.diff(before: before, after: table)
            changed.valueNames = table.valueNames
            changed.capture = table.capture.map { CaptureSpan(start: before.capture?.end, end: $0.end) }
            return changed
        case .keep(let name):
            do { try environment.keep(table, name.text) } catch {
                throw QueryError(offset: name.offset, length: name.text.count, message: "\(error)")
            }
            return table
        case .syscalls(let name):
            let target = try name.map { try column($0, in: table) } ?? .key
            switch target {
            case .value, .valuePart:
                throw QueryError(
                    offset: name?.offset ?? 0, length: name?.text.count ?? 0,
                    message: "syscalls names a key column (key, key1...), not a value")
            case .key, .keyPart: break
            }
            let syscalls = SyscallTable.native
            return TableNaming.name(table, column: target) { syscalls.name(Int($0)) }
        case .output:
            return table
        }
    }

    private static func series(
        _ result: Result<MapTable, SeriesChange.ChangeError>, at word: QueryText.Piece
    ) throws
        -> MapTable
    {
        switch result {
        case .success(let table): return table
        case .failure(let error):
            throw QueryError(offset: word.offset, length: word.text.count, message: error.description)
        }
    }

    private static func resolve(_ name: QueryText.Piece, _ environment: Environment) throws -> MapTable {
        do { return try environment.table(name.text) } catch {
            throw QueryError(offset: name.offset, length: name.text.count, message: "\(error)")
        }
    }

    /// A column of `table` by name, or an error pointing at the name listing the columns.
    static func column(_ name: QueryText.Piece, in table: MapTable) throws -> TableColumn {
        guard let column = TableColumn(name: name.text, in: table) else {
            throw QueryError(
                offset: name.offset, length: name.text.count,
                message: "unknown column '\(name.text)': \(table.name) has "
                    + TableColumn.names(of: table).joined(separator: ", "))
        }
        return column
    }
}
