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
///     expect file PATH ~ TEXT           ... and holds TEXT (a flame graph names a frame)
///     expect TABLE p50 OP N             a histogram's percentile (p50 p90 p99 max) compares,
///                                       judged on its bucket's bounds, so it is proven
///     expect TABLE share where COND OP N%   the rows COND picks weigh that share of the total
///                                       (for stacks: the width of their flame-graph tower)
///
/// Any of them may end in `else "WHY"`: a condition of the machine (another CPU was idle,
/// the disk was used) without which the rest of a step cannot be shown. When it does not
/// hold, WHY is said instead of a failure (see `Statement`).
public enum Expectation: Equatable {
    case nonEmpty(table: String)
    case hasKey(table: String, key: String)
    case matches(table: String, condition: String)
    case rows(table: String, op: RowPredicate.Op, count: Int)
    case everyValue(table: String, condition: String)
    case output(contains: Bool, text: String)
    case file(path: String)
    case fileContains(path: String, text: String)
    case percentile(table: String, which: String, op: RowPredicate.Op, value: Int64)
    case share(table: String, condition: String, op: RowPredicate.Op, percent: Double)

    /// An expectation with what to say when the machine cannot show it (`else "WHY"`).
    public struct Statement: Equatable {
        public var expectation: Expectation
        public var otherwise: String?

        public static func parse(_ words: [String]) throws -> Statement {
            guard let at = words.firstIndex(of: "else") else {
                return Statement(expectation: try Expectation.parse(words), otherwise: nil)
            }
            let why = words[(at + 1)...].joined(separator: " ")
            guard !why.isEmpty else { throw CommandError("usage: expect ... else \"what this machine cannot show\"") }
            return Statement(expectation: try Expectation.parse(Array(words[..<at])), otherwise: why)
        }
    }

    static let percentileNames: Set<String> = ["p50", "p90", "p99", "max"]

    /// An integer with an optional K, M or G suffix (powers of 1024, as in `where`).
    static func number(_ text: String) -> Int64? {
        let multipliers: [Character: Int64] = ["K": 1 << 10, "k": 1 << 10, "M": 1 << 20, "m": 1 << 20, "G": 1 << 30]
        if let last = text.last, let m = multipliers[last], let n = Int64(text.dropLast()) { return n * m }
        return Int64(text)
    }

    /// Parses the words after `expect`.
    public static func parse(_ words: [String]) throws -> Expectation {
        let usage =
            "usage: expect TABLE [has KEY | where CONDITION | rows OP N | value OP N | value in A..B | "
            + "p50 OP N | share where CONDITION OP N%], expect output ~ TEXT, expect file PATH [~ TEXT]"
        guard let subject = words.first else { throw CommandError(usage) }
        let rest = Array(words.dropFirst())
        if subject == "output" {
            guard rest.count >= 2, rest[0] == "~" || rest[0] == "!~" else {
                throw CommandError("usage: expect output ~ TEXT (or !~ TEXT)")
            }
            return .output(contains: rest[0] == "~", text: rest.dropFirst().joined(separator: " "))
        }
        if subject == "file" {
            if rest.count >= 3, rest[1] == "~" {
                return .fileContains(path: rest[0], text: rest[2...].joined(separator: " "))
            }
            guard rest.count == 1 else { throw CommandError("usage: expect file PATH [~ TEXT]") }
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
        case let which where percentileNames.contains(which) && rest.count == 3:
            guard let op = RowPredicate.Op(rawValue: rest[1]), ![.contains, .notContains].contains(op),
                let n = number(rest[2])
            else { throw CommandError("usage: expect TABLE \(which) OP N, e.g. \(which) >= 1000") }
            return .percentile(table: subject, which: which, op: op, value: n)
        case "share" where rest.count >= 5 && rest[1] == "where":
            let percentText = rest[rest.count - 1]
            guard percentText.hasSuffix("%"), let percent = Double(percentText.dropLast()),
                let op = RowPredicate.Op(rawValue: rest[rest.count - 2]), ![.contains, .notContains].contains(op)
            else {
                throw CommandError("usage: expect TABLE share where CONDITION OP N%, e.g. share where key ~ io >= 30%")
            }
            let condition = rest[2..<(rest.count - 2)].map(quotedIfNeeded).joined(separator: " ")
            try checkCondition(condition)
            return .share(table: subject, condition: condition, op: op, percent: percent)
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
                        : table.rows.isEmpty
                            ? "no row with key \(key): \(name) is empty (nothing was recorded)"
                            : "no row with key \(key) among \(table.rows.count) "
                                + "(\(sample)\(table.rows.count > 5 ? ", ..." : ""))"
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
                    count > 0
                        ? "\(count) of \(table.rows.count) rows match"
                        : table.rows.isEmpty
                            ? "\(name) is empty: nothing was recorded"
                            : "no row of \(table.rows.count) matches \(condition)"
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
        case .fileContains(let path, let text):
            guard let data = FileManager.default.contents(atPath: path) else {
                return (false, "\(path) does not exist")
            }
            let found = String(decoding: data, as: UTF8.self).contains(text)
            return (found, found ? "\(path) has it" : "\(path) (\(data.count) bytes) does not mention \(text)")
        case .percentile(let name, let which, let op, let bound):
            return withTable(name) { table in Expectation.checkPercentile(table, which, op, bound) }
        case .share(let name, let condition, let op, let percent):
            return withTable(name) { table in
                guard case .success(let predicate) = RowPredicate.parse(condition) else {
                    return (false, "bad condition")
                }
                let share = ValueShare.of(table, where: predicate)
                if share.total == 0 {
                    return (false, "\(name) is empty: nothing was recorded, so no rows where \(condition)")
                }
                let held = Expectation.compare(share.percent, op, percent)
                let got = String(format: "%.0f%%", share.percent)
                return (
                    held,
                    "rows where \(condition) hold \(got) of \(name) (\(share.matching) of \(share.total), "
                        + "\(share.matchingRows) of \(table.rows.count) rows)"
                        + (held ? "" : "; expected \(op.rawValue) \(Expectation.percentText(percent))")
                )
            }
        }
    }

    static func percentText(_ p: Double) -> String {
        p == p.rounded() ? "\(Int(p))%" : String(format: "%.1f%%", p)
    }

    static func compare<T: Comparable>(_ a: T, _ op: RowPredicate.Op, _ b: T) -> Bool {
        switch op {
        case .eq: return a == b
        case .ne: return a != b
        case .lt: return a < b
        case .le: return a <= b
        case .gt: return a > b
        case .ge: return a >= b
        case .contains, .notContains: return false
        }
    }

    /// A histogram knows only each value's bucket, so a percentile is judged by what the bucket
    /// proves: `>` and `>=` by its lower bound, `<` and `<=` by its upper bound; the message
    /// gives the bucket with the map's unit.
    static func checkPercentile(
        _ table: MapTable, _ which: String, _ op: RowPredicate.Op, _ bound: Int64
    )
        -> (Bool, String)
    {
        var merged: Histogram?
        for row in table.rows {
            guard case .histogram(let h) = row.cell else { continue }
            if merged == nil { merged = Histogram(kind: h.kind, buckets: [:]) }
            guard merged!.kind == h.kind else { continue }
            for (bucket, count) in h.buckets { merged!.buckets[bucket, default: 0] &+= count }
        }
        guard let histogram = merged else {
            return (
                false,
                table.rows.isEmpty
                    ? "\(table.name) is empty: no values were recorded, so it has no \(which)"
                    : "\(table.name) is not a histogram"
            )
        }
        let p = Percentiles.of(histogram)
        let estimate: Percentiles.Estimate?
        switch which {
        case "p50": estimate = p.p50
        case "p90": estimate = p.p90
        case "p99": estimate = p.p99
        default: estimate = p.max
        }
        guard let estimate else { return (false, "\(table.name) is empty") }
        let unit = ValueUnit.inferred(fromName: table.name)
        func text(_ v: Int64) -> String { unit.map { $0.human(v) } ?? String(v) }
        let lower =
            estimate.isLowerBound ? estimate.value : Percentiles.upperBound(estimate.bucket - 1, kind: histogram.kind).0
        let upper = estimate.isLowerBound ? Int64.max : estimate.value
        let held: Bool
        switch op {
        case .gt: held = lower > bound
        case .ge: held = lower >= bound
        case .lt: held = upper <= bound
        case .le: held = upper - 1 <= bound
        case .eq, .ne, .contains, .notContains: held = false
        }
        let range = estimate.isLowerBound ? ">= \(text(lower))" : "in [\(text(lower)), \(text(upper)))"
        let detail = "\(which) of \(table.name) is \(range) over \(p.count) values"
        return (held, held ? detail : detail + "; expected \(op.rawValue) \(text(bound))")
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
    /// Set when the expectation did not hold and said what the machine cannot show
    /// (`else "WHY"`): not a failure, but the rest of a tutorial step is not judged.
    public var unshown: String? = nil
}
