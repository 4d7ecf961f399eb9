/// One stage of a query: a table command without its table argument. Column names are kept
/// as written (with their offsets) and resolved against the table the stage receives, since
/// a `select` or `join` earlier in the pipeline can name new columns.
public enum QueryStage: Hashable, Sendable {
    /// `where CONDITION` (the `RowPredicate` language).
    case filter(QueryText.Piece)
    /// `top [N] [by COLUMN] [asc]`.
    case top(count: Int, by: QueryText.Piece?, ascending: Bool)
    /// `sort [by COLUMN] [asc | desc]`.
    case sort(by: QueryText.Piece?, ascending: Bool)
    /// `group by COLUMN[, COLUMN...] [sum | count | avg | min | max]`.
    case group(by: [QueryText.Piece], function: TableGroup.Function)
    /// `select ITEM, ...`: columns and computed columns (`value / 1000 as ms`).
    case select([SelectItem])
    /// `normalize N`: every value divided by N (DTrace's `normalize()`).
    case normalize(Int64)
    /// `rate`: values per second over the time the table covers (the stage's word, for errors);
    /// over a series, each sample's change per second.
    case rate(QueryText.Piece)
    /// `delta`: over a series, each sample's change since the one before.
    case delta(QueryText.Piece)
    /// `join TABLE...`: side by side by key, one value column per table.
    case join([QueryText.Piece])
    /// `diff BEFORE`: what changed since BEFORE (a snapshot).
    case diff(QueryText.Piece)
    /// `as NAME`: keep the table so far under NAME, and go on.
    case keep(QueryText.Piece)
    /// `syscalls [COLUMN]`: syscall ids in a key column (default `key`) as names.
    case syscalls(QueryText.Piece?)
    /// A view or a file, always last: `hist`, `print`, `json`, `markdown`, `columns`,
    /// `save FILE`, `stack fold [> FILE]`, `flame > FILE`, `plot [> FILE]`, `heatmap [> FILE]`.
    /// The shell runs these.
    case output(QueryText.Piece, arguments: [String])

    /// One item of `select`.
    public struct SelectItem: Hashable, Sendable {
        public var expression: ColumnExpression
        /// The alias after `as`, else the item's text.
        public var name: String
        public var isAliased: Bool
    }

    /// The words that start a stage, for help, errors and completion.
    public static let transformNames = [
        "where", "top", "sort", "group", "select", "normalize", "rate", "delta", "join", "diff", "as", "syscalls",
    ]
    public static let outputNames = [
        "hist", "print", "columns", "json", "markdown", "save", "stack", "flame", "plot", "heatmap",
    ]
    public static var names: [String] { transformNames + outputNames }

    /// Stage names that take a table as their first argument when written as a command
    /// (`where @x value > 5 | hist`): the query's source.
    public static let commandsWithTable: Set<String> = ["where", "top", "sort", "hist", "print", "save", "flame"]

    public var isOutput: Bool {
        if case .output = self { return true }
        return false
    }

    /// Parses one stage.
    public static func parse(_ piece: QueryText.Piece) -> Result<QueryStage, QueryError> {
        let words = QueryText.words(piece)
        guard let head = words.first else {
            return .failure(QueryError(offset: piece.offset, message: "empty stage: expected " + expected))
        }
        let args = Array(words.dropFirst())
        func fail(_ message: String, at word: QueryText.Piece? = nil) -> Result<QueryStage, QueryError> {
            let at = word ?? head
            return .failure(QueryError(offset: at.offset, length: at.text.count, message: message))
        }
        switch head.text {
        case "where":
            let condition = QueryText.rest(of: piece, after: 1)
            if condition.text.isEmpty { return fail("where needs a condition, e.g. where value > 100") }
            return .success(.filter(condition))
        case "top", "sort":
            var count = 10, ascending = head.text == "sort", column: QueryText.Piece?
            var index = 0
            while index < args.count {
                let word = args[index]
                if head.text == "top", let n = Int(word.text), n > 0 {
                    count = n
                } else if word.text == "asc" || word.text == "desc" {
                    ascending = word.text == "asc"
                } else if word.text == "by", index + 1 < args.count {
                    column = args[index + 1]
                    index += 1
                } else {
                    return fail(
                        "unexpected '\(word.text)': \(head.text) takes "
                            + (head.text == "top" ? "[N] " : "") + "[by COLUMN] [asc | desc]", at: word)
                }
                index += 1
            }
            return .success(
                head.text == "top"
                    ? .top(count: count, by: column, ascending: ascending) : .sort(by: column, ascending: ascending))
        case "group":
            guard args.first?.text == "by", args.count >= 2 else {
                return fail("usage: group by COLUMN[, COLUMN] [sum | count | avg | min | max]", at: args.first)
            }
            var function = TableGroup.Function.sum
            var columns: [QueryText.Piece] = []
            for (index, word) in args.dropFirst().enumerated() {
                if index == args.count - 2, index > 0, let f = TableGroup.Function(rawValue: word.text) {
                    function = f
                    continue
                }
                var offset = word.offset
                for part in word.text.split(separator: ",", omittingEmptySubsequences: false) {
                    if !part.isEmpty { columns.append(QueryText.Piece(String(part), offset: offset)) }
                    offset += part.count + 1
                }
            }
            guard !columns.isEmpty else { return fail("group by needs a column, e.g. group by key2") }
            return .success(.group(by: columns, function: function))
        case "select":
            return parseSelect(QueryText.rest(of: piece, after: 1), head: head)
        case "normalize":
            guard args.count == 1, let n = Int64(args[0].text), n > 0 else {
                return fail("usage: normalize N (a positive integer: every value is divided by it)", at: args.first)
            }
            return .success(.normalize(n))
        case "rate":
            guard args.isEmpty else { return fail("rate takes no arguments", at: args[0]) }
            return .success(.rate(head))
        case "delta":
            guard args.isEmpty else { return fail("delta takes no arguments", at: args[0]) }
            return .success(.delta(head))
        case "join":
            guard !args.isEmpty else { return fail("usage: join TABLE [TABLE...]") }
            return .success(.join(args))
        case "diff":
            guard args.count == 1 else {
                return fail("usage: diff BEFORE (a kept snapshot)", at: args.dropFirst().first)
            }
            return .success(.diff(args[0]))
        case "as":
            guard args.count == 1 else { return fail("usage: as NAME", at: args.dropFirst().first) }
            return .success(.keep(args[0]))
        case "syscalls":
            guard args.count <= 1 else {
                return fail("usage: syscalls [COLUMN] (a key column of syscall ids; key by default)", at: args[1])
            }
            return .success(.syscalls(args.first))
        case let name where outputNames.contains(name):
            return .success(.output(head, arguments: args.map(\.text)))
        default:
            return fail("unknown stage '\(head.text)': expected " + expected)
        }
    }

    static var expected: String { names.joined(separator: ", ") }

    private static func parseSelect(_ rest: QueryText.Piece, head: QueryText.Piece) -> Result<QueryStage, QueryError> {
        guard !rest.text.isEmpty else {
            return .failure(
                QueryError(
                    offset: head.offset, length: head.text.count,
                    message: "select needs columns, e.g. select key, value / 1000 as ms"))
        }
        var items: [SelectItem] = []
        var offset = rest.offset
        for part in splitTopLevelCommas(rest.text) {
            let piece = QueryText.Piece(part, offset: offset)
            offset += part.count + 1
            let words = QueryText.words(piece)
            var expressionText = piece
            var alias: String?
            if words.count >= 3, words[words.count - 2].text == "as" {
                let asWord = words[words.count - 2]
                alias = words[words.count - 1].text
                expressionText = QueryText.Piece(
                    String(part.prefix(asWord.offset - piece.offset)), offset: piece.offset)
                guard let name = alias, name.first.map({ $0.isLetter || $0 == "_" }) == true,
                    name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" })
                else {
                    let word = words[words.count - 1]
                    return .failure(
                        QueryError(
                            offset: word.offset, length: word.text.count,
                            message: "a column name is letters, digits and _"))
                }
            }
            let trimmedText = expressionText.text.trimmingSpaces
            let lead = expressionText.text.prefix { $0.isWhitespace }.count
            if trimmedText.isEmpty {
                return .failure(QueryError(offset: piece.offset, message: "empty column in select"))
            }
            switch ColumnExpression.parse(trimmedText, offset: expressionText.offset + lead) {
            case .failure(let error): return .failure(error)
            case .success(let expression):
                items.append(SelectItem(expression: expression, name: alias ?? trimmedText, isAliased: alias != nil))
            }
        }
        return .success(.select(items))
    }

    private static func splitTopLevelCommas(_ text: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var depth = 0
        for c in text {
            if c == "(" { depth += 1 }
            if c == ")" { depth -= 1 }
            if c == ",", depth == 0 {
                parts.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        parts.append(current)
        return parts
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first?.isWhitespace == true { s.removeFirst() }
        while s.last?.isWhitespace == true { s.removeLast() }
        return String(s)
    }
}
