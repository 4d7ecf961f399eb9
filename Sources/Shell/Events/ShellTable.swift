import Tables

/// A table as a shell event: named columns with their types and rows of typed values, plus the
/// text the command rendered for the terminal (columns, bpftrace's layout, JSON...). A notebook
/// shows the columns as a table; the protocol sends them as JSON values.
public struct ShellTable: Equatable, Sendable {
    public enum ColumnType: String, Equatable, Sendable {
        case integer, string, stack
    }

    public struct Column: Equatable, Sendable {
        public var name: String
        public var type: ColumnType
        public init(name: String, type: ColumnType) {
            self.name = name
            self.type = type
        }
    }

    public enum Value: Equatable, Sendable {
        case integer(Int64)
        case string(String)
        /// Frames innermost first.
        case stack([String])
        case empty

        /// The value as one line of text (what a plain table cell shows).
        public var text: String {
            switch self {
            case .integer(let n): return String(n)
            case .string(let s): return s
            case .stack(let frames): return frames.joined(separator: "; ")
            case .empty: return ""
            }
        }
    }

    /// The map's name (`@c`) for a map or a query on one; nil for a listing (`probes`, `tables`).
    public var name: String?
    public var columns: [Column]
    public var rows: [[Value]]
    /// What the terminal shows.
    public var text: String

    public init(name: String?, columns: [Column], rows: [[Value]], text: String) {
        self.name = name
        self.columns = columns
        self.rows = rows
        self.text = text
    }

    /// Rows of text under headers (a listing): every column a string.
    public init(headers: [String], rows: [[String]], text: String) {
        self.init(
            name: nil, columns: headers.map { Column(name: $0, type: .string) },
            rows: rows.map { $0.map { .string($0) } }, text: text)
    }

    /// A map's rows: its keys, then its value (or the named values of a query result), with
    /// the same headers as `ColumnTable`.
    public init(_ table: MapTable, text: String) {
        let (headers, textRows) = ColumnTable.columns(table)
        let keyCount = headers.count - max(1, table.valueNames.count)
        var rows: [[Value]] = []
        for (row, texts) in zip(table.rows, textRows) {
            var values = texts.indices.map { index -> Value in
                index < row.key.count ? ShellTable.value(row.key[index], text: texts[index]) : .string(texts[index])
            }
            // Value columns: numbers stay numbers.
            for index in keyCount..<values.count {
                if let n = Int64(texts[index]) {
                    values[index] = .integer(n)
                } else if texts[index].isEmpty {
                    values[index] = .empty
                }
            }
            rows.append(values)
        }
        var columns = headers.map { Column(name: $0, type: .string) }
        for index in columns.indices {
            let present = rows.map { $0[index] }.filter { $0 != .empty }
            if !present.isEmpty, present.allSatisfy({ if case .integer = $0 { return true } else { return false } }) {
                columns[index].type = .integer
            } else if !present.isEmpty,
                present.allSatisfy({ if case .stack = $0 { return true } else { return false } })
            {
                columns[index].type = .stack
            }
        }
        self.init(name: table.name, columns: columns, rows: rows, text: text)
    }

    static func value(_ value: Tables.Value, text: String) -> Value {
        switch value {
        case .int(let n): return .integer(n)
        case .uint(let n): return n <= UInt64(Int64.max) ? .integer(Int64(n)) : .string(String(n))
        case .stack(let frames): return .stack(frames)
        case .none: return .empty
        default: return .string(text)
        }
    }

    /// The headers and rows as text, for renderings without types (Markdown).
    public var textColumns: (headers: [String], rows: [[String]]) {
        (columns.map(\.name), rows.map { $0.map(\.text) })
    }
}
