import Foundation
import Tables

/// What a script or tutorial step expects of a live run, checked against its tables and
/// output. Live numbers differ from run to run, so expectations are about shape: a table is
/// non-empty, a key appears, a value lies in a range, the output mentions something.
///
///     expect TABLE                      the table has at least one row
///     expect TABLE has KEY              some row's key (or a key part) is KEY
///     expect TABLE where CONDITION      some row matches (the `where` language)
///     expect TABLE rows OP N            the number of rows compares (OP: == != < <= > >=)
///     expect TABLE value OP N           every row's value compares
///     expect TABLE value in A..B        every row's value lies in [A, B]
///     expect output ~ TEXT              probe output (since `expect output reset`) contains TEXT
///     expect output !~ TEXT             ... does not
///     expect file PATH                  a file exists and is not empty
public enum Expectation: Equatable {
    case nonEmpty(table: String)
    case hasKey(table: String, key: String)
    case matches(table: String, condition: String)
    case rows(table: String, op: RowPredicate.Op, count: Int)
    case everyValue(table: String, condition: String)
    case output(contains: Bool, text: String)
    case file(path: String)

    /// Parses the words after `expect`.
    public static func parse(_ words: [String]) throws -> Expectation {
        let usage =
            "usage: expect TABLE [has KEY | where CONDITION | rows OP N | value OP N | value in A..B], "
            + "expect output ~ TEXT, expect file PATH"
        guard let subject = words.first else { throw CommandError(usage) }
        let rest = Array(words.dropFirst())
        if subject == "output" {
            guard rest.count >= 2, rest[0] == "~" || rest[0] == "!~" else {
                throw CommandError("usage: expect output ~ TEXT (or !~ TEXT)")
            }
            return .output(contains: rest[0] == "~", text: rest.dropFirst().joined(separator: " "))
        }
        if subject == "file" {
            guard rest.count == 1 else { throw CommandError("usage: expect file PATH") }
            return .file(path: rest[0])
        }
        guard let kind = rest.first else { return .nonEmpty(table: subject) }
        switch kind {
        case "has" where rest.count == 2:
            return .hasKey(table: subject, key: rest[1])
        case "where" where rest.count >= 2:
            let condition = rest.dropFirst().map(quotedIfNeeded).joined(separator: " ")
            try checkCondition(condition)
            return .matches(table: subject, condition: condition)
        case "rows" where rest.count == 3:
            guard let op = RowPredicate.Op(rawValue: rest[1]), let n = Int(rest[2]) else {
                throw CommandError("usage: expect TABLE rows OP N, e.g. rows >= 3")
            }
            return .rows(table: subject, op: op, count: n)
        case "value" where rest.count == 3 && rest[1] == "in":
            let bounds = rest[2].components(separatedBy: "..")
            guard bounds.count == 2, !bounds[0].isEmpty, !bounds[1].isEmpty else {
                throw CommandError("usage: expect TABLE value in A..B, e.g. value in 1..1M")
            }
            let condition = "value >= \(bounds[0]) and value <= \(bounds[1])"
            try checkCondition(condition)
            return .everyValue(table: subject, condition: condition)
        case "value" where rest.count == 3:
            let condition = "value \(rest[1]) \(rest[2])"
            try checkCondition(condition)
            return .everyValue(table: subject, condition: condition)
        default:
            throw CommandError(usage)
        }
    }

    private static func quotedIfNeeded(_ word: String) -> String {
        word.contains(" ") ? "\"" + word.replacingOccurrences(of: "\"", with: "\\\"") + "\"" : word
    }

    private static func checkCondition(_ condition: String) throws {
        if case .failure(let error) = RowPredicate.parse(condition) {
            throw CommandError(
                "expect: \(error.message)\n  \(condition)\n  " + String(repeating: " ", count: error.offset) + "^")
        }
    }

    /// Checks the expectation; `table` looks a table up by name (nil when there is none).
    public func check(table lookup: (String) -> MapTable?, output: String) -> (held: Bool, detail: String) {
        func withTable(_ name: String, _ body: (MapTable) -> (Bool, String)) -> (held: Bool, detail: String) {
            guard let table = lookup(name) else { return (false, "there is no table \(name)") }
            return body(table)
        }
        switch self {
        case .nonEmpty(let name):
            return withTable(name) { table in
                (
                    !table.rows.isEmpty,
                    table.rows.isEmpty
                        ? "\(name) is empty" : "\(table.rows.count) row\(table.rows.count == 1 ? "" : "s")"
                )
            }
        case .hasKey(let name, let key):
            return withTable(name) { table in
                let found = table.rows.contains { row in
                    row.key.contains { Expectation.keyText([$0]) == key } || Expectation.keyText(row.key) == key
                }
                let sample = table.rows.prefix(5).map { Expectation.keyText($0.key) }.joined(separator: ", ")
                return (
                    found,
                    found
                        ? "found"
                        : "no row with key \(key) among \(table.rows.count) "
                            + "(\(sample.isEmpty ? "none" : sample)\(table.rows.count > 5 ? ", ..." : ""))"
                )
            }
        case .matches(let name, let condition):
            return withTable(name) { table in
                guard case .success(let predicate) = RowPredicate.parse(condition) else {
                    return (false, "bad condition")
                }
                let count = table.rows.filter { predicate.matches($0) }.count
                return (
                    count > 0,
                    count > 0 ? "\(count) of \(table.rows.count) rows match" : "no row of \(table.rows.count) matches"
                )
            }
        case .rows(let name, let op, let n):
            return withTable(name) { table in
                let count = table.rows.count
                let held: Bool
                switch op {
                case .eq: held = count == n
                case .ne: held = count != n
                case .lt: held = count < n
                case .le: held = count <= n
                case .gt: held = count > n
                case .ge: held = count >= n
                case .contains, .notContains: held = false
                }
                return (held, "\(count) row\(count == 1 ? "" : "s")")
            }
        case .everyValue(let name, let condition):
            return withTable(name) { table in
                guard case .success(let predicate) = RowPredicate.parse(condition) else {
                    return (false, "bad condition")
                }
                if table.rows.isEmpty { return (false, "\(name) is empty") }
                let failing = table.rows.filter { !predicate.matches($0) }
                guard let first = failing.first else { return (true, "all \(table.rows.count) rows") }
                return (
                    false,
                    "\(failing.count) of \(table.rows.count) rows do not, e.g. "
                        + (first.key.isEmpty ? "" : Expectation.keyText(first.key) + ": ")
                        + TableJoin.cellText(first.cell)
                )
            }
        case .output(let contains, let text):
            let found = output.contains(text)
            let lines = output.split(separator: "\n")
            // Count the lines that mention it (not all lines), so the message is true either way.
            let mentioning =
                text.contains("\n")
                ? output.components(separatedBy: text).count - 1 : lines.filter { $0.contains(text) }.count
            return (
                found == contains,
                found
                    ? "\(mentioning) of \(lines.count) line\(lines.count == 1 ? "" : "s") of output mention it"
                    : "none of \(lines.count) line\(lines.count == 1 ? "" : "s") of output mention it"
            )
        case .file(let path):
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
            guard let size else { return (false, "\(path) does not exist") }
            return (size > 0, "\(size) bytes")
        }
    }

    /// A key as one line: a single part as itself, several as a tuple.
    static func keyText(_ key: [Value]) -> String {
        TableJoin.cellText(.value(key.count == 1 ? key[0] : .tuple(key)))
    }
}

/// One checked expectation, as `--check` and tutorial steps report it.
public struct ExpectationResult {
    public var text: String
    public var held: Bool
    public var detail: String
}
