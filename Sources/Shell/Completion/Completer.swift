import Language
import Tables

/// Tab completion: from the text before the cursor to what to insert and what to list.
public struct Completer {
    public var source: CompletionSource
    public var commands: [String]
    public var probeNames: [String]
    public var mapNames: [String]
    /// The probe types attach points may start with, and how each completes its fields.
    public var providers: ProviderTable = .builtin
    /// Commands whose argument is a probe name / a map / a command name.
    public var probeArgumentCommands: Set<String> = ["show", "attach", "detach", "drop"]
    /// Tutorial names for `tutorial NAME`.
    public var tutorialNames: [String] = []
    /// Commands whose argument is a file path.
    public var fileArgumentCommands: Set<String> = ["source", "record", "notebook", "load"]
    /// The language's functions and builtin variables, offered inside a probe body.
    public var functions: FunctionTable = .builtin
    public var variables: BuiltinVariableTable = .builtin
    public var mapArgumentCommands: Set<String> = [
        "print", "clear", "forget", "join", "merge", "top", "sort", "where", "hist", "snapshot", "diff", "flame",
        "save", "stack", "series", "plot", "heatmap", "monitor",
    ]

    /// Kept tables (snapshots, series, loaded files): offered wherever a table is.
    public var keptTables: [String] = []
    /// Series sampling in the background, for `series stop NAME`.
    public var samplingSeries: [String] = []

    /// The column names of a table (`key`, `key1`..., `value`), for the stages of a query.
    public var columnNames: (String) -> [String] = { _ in ["key", "value"] }

    public init(source: CompletionSource, commands: [String], probeNames: [String], mapNames: [String]) {
        self.source = source
        self.commands = commands
        self.probeNames = probeNames
        self.mapNames = mapNames
    }

    /// `tracepoint:`, `BEGIN`...: what an attach point can start with.
    var providerStems: [String] { providers.descriptors.map(\.completionStem) }

    public func complete(_ before: String) -> (insert: String, candidates: [String]) {
        let word = Completer.currentWord(before)
        let candidates = self.candidates(for: word, in: before).filter { $0.hasPrefix(word) }.sorted()
        guard !candidates.isEmpty else { return ("", []) }
        let common = Completer.commonPrefix(candidates)
        var insert = String(common.dropFirst(word.count))
        if candidates.count == 1, let only = candidates.first, !only.hasSuffix(":"), !only.hasSuffix("/"),
            !only.hasSuffix(".")
        {
            insert += " "
        }
        return (insert, candidates.count > 1 ? candidates : [])
    }

    func candidates(for word: String, in before: String) -> [String] {
        let statement = Completer.currentStatement(before)
        let beforeWord = String(statement.dropLast(word.count))
        let inBody = beforeWord.contains("{")
        if word.hasPrefix("@") { return mapNames.map { "@" + $0 } }
        if !inBody, let query = queryCandidates(statement: statement, word: word) { return query }
        if inBody {
            if word.hasPrefix("args.") || word.hasPrefix("args->") {
                let separator = word.hasPrefix("args.") ? "args." : "args->"
                return tracepointFields(of: statement).map { separator + $0 }
            }
            return variables.names + functions.names.map { $0 + "(" }
        }
        let priorWords = beforeWord.split(separator: " ").map(String.init)
        if let first = priorWords.first, priorWords.count >= 1, !beforeWord.contains("=") {
            if probeArgumentCommands.contains(first) {
                return probeNames + (first == "detach" || first == "drop" ? ["all"] : [])
            }
            if first == "series", priorWords.last == "stop" { return samplingSeries + ["all"] }
            if mapArgumentCommands.contains(first) { return mapNames.map { "@" + $0 } + keptTables }
            if first == "help" { return commands }
            if first == "tutorial" {
                return priorWords.count == 1 ? tutorialNames : ["read", "restart", "notebook", "--auto"]
            }
            if fileArgumentCommands.contains(first) { return source.binaries(prefix: word.isEmpty ? "./" : word) }
            if first == "watch" { return commands }
        }
        if word.contains(":") { return attachPointCandidates(word) }
        if priorWords.isEmpty { return commands + providerStems + keptTables }
        // After `NAME =` or `,` an attach point starts.
        return providerStems
    }

    func attachPointCandidates(_ word: String) -> [String] {
        let parts = word.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        let provider = parts[0]
        guard let style = providers.descriptor(named: provider)?.completion else { return providerStems }
        switch (style, parts.count) {
        case (.tracepoints, 2):
            return source.tracepointCategories().map { "\(provider):\($0):" }
        case (.tracepoints, 3):
            return source.tracepointEvents(in: parts[1]).map { "\(provider):\(parts[1]):\($0)" }
        case (.rawTracepoints, 2):
            return source.rawTracepoints().map { "\(provider):\($0)" }
        case (.softwareEvents, 2):
            return source.softwareEvents().map { "\(provider):\($0)" }
        case (.rateUnits, 2):
            return ["hz:", "s:", "ms:", "us:"].map { "\(provider):\($0)" }
        case (.binaryFunctions, 2), (.binaries, 2):
            return source.binaries(prefix: parts[1]).map { "\(provider):\($0)" + ($0.hasSuffix("/") ? "" : ":") }
        case (.binaryFunctions, 3):
            return source.functions(in: parts[1], prefix: parts[2]).map { "\(provider):\(parts[1]):\($0)" }
        default:
            return []
        }
    }

    /// The fields of the first tracepoint named at the start of the statement.
    func tracepointFields(of statement: String) -> [String] {
        var head = statement
        if let (_, program) = Completer.definitionSplit(statement) { head = program }
        let point = head.prefix { $0 != " " && $0 != "{" && $0 != "," && $0 != "/" && $0 != "\n" }
        let parts = point.split(separator: ":").map(String.init)
        guard parts.count == 3, parts[0] == "tracepoint" || parts[0] == "t" else { return [] }
        return source.tracepointFields(category: parts[1], event: parts[2])
    }

    static func definitionSplit(_ statement: String) -> (String, String)? {
        guard let equals = statement.firstIndex(of: "=") else { return nil }
        let name = statement[..<equals].trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return nil }
        return (name, statement[statement.index(after: equals)...].trimmingCharacters(in: .whitespaces))
    }

    /// The word being typed: back to a space or punctuation that cannot be inside one.
    static func currentWord(_ before: String) -> String {
        let stops: Set<Character> = [
            " ", "\t", "\n", "{", "}", "(", ")", ",", ";", "=", "[", "]", "!", "+", "*", "<", "?",
        ]
        return String(before.reversed().prefix { !stops.contains($0) }.reversed())
    }

    /// The statement being typed (the text after the last `;` outside the current body is
    /// still the same probe, so only a closed top-level `}` starts a new one).
    static func currentStatement(_ before: String) -> String { before }

    static func commonPrefix(_ words: [String]) -> String {
        guard var prefix = words.first else { return "" }
        for word in words.dropFirst() {
            while !word.hasPrefix(prefix) { prefix.removeLast() }
        }
        return prefix
    }
}

extension Completer {
    /// In a query (`@x | where key1 == 3 | top 5 by ...`): stage names at the start of a
    /// stage, column names of the query's table where a stage takes a column.
    func queryCandidates(statement: String, word: String) -> [String]? {
        let stages = QueryText.stages(statement)
        guard stages.count > 1, let last = stages.last else { return nil }
        let prior = last.text.dropLast(word.count).split(separator: " ").map(String.init)
        guard let head = prior.first else { return QueryStage.names }
        let firstWords = QueryText.words(stages[0]).map(\.text)
        let source = firstWords.count > 1 ? firstWords[1] : (firstWords.first ?? "")
        let columns = columnNames(source)
        switch head {
        case "where", "select": return columns
        case "group":
            if prior.count == 1 { return ["by"] }
            return prior.last == "by" || prior.last?.hasSuffix(",") == true
                ? columns : TableGroup.Function.allCases.map(\.rawValue)
        case "top", "sort": return prior.last == "by" ? columns : ["by", "asc", "desc"]
        case "join", "diff": return mapNames.map { "@" + $0 } + keptTables
        default: return []
        }
    }
}
