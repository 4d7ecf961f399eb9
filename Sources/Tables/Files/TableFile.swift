/// Saving and loading map tables as text. Pure: produces and consumes `String`/`[UInt8]`;
/// the caller does the file I/O (atomically).
///
/// - `.csv`: see `TableCSV` (one row per key, one row per bucket for histograms);
/// - `.json`: see `TableJSON` (self-describing, preserves every Value and Cell kind);
/// - `.text`: bpftrace's `print(@m)` output; save only.
/// `load(save(t)) == t` for CSV and JSON, for every Cell and Value kind.
public enum TableFileFormat: String, Hashable, Sendable, CaseIterable {
    case csv, json, text

    /// By file extension, case-insensitively: `csv`, `json`, `txt`/`text`.
    public init?(fileExtension: String) {
        switch fileExtension.lowercased() {
        case "csv": self = .csv
        case "json": self = .json
        case "txt", "text": self = .text
        default: return nil
        }
    }

    /// By the extension of the last path component; nil without a known one.
    public init?(path: String) {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
        self.init(fileExtension: String(name[name.index(after: dot)...]))
    }
}

/// Why a file could not be loaded: 1-based `line` and `column` (in bytes) and the 0-based
/// byte `offset` of the problem.
public struct TableFileError: Error, Hashable, Sendable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var offset: Int
    public var message: String

    public init(line: Int, column: Int, offset: Int, message: String) {
        self.line = line
        self.column = column
        self.offset = offset
        self.message = message
    }

    /// An error at byte `offset` of `bytes`, with line and column worked out.
    init(at offset: Int, in bytes: [UInt8], _ message: String) {
        let offset = Swift.max(0, Swift.min(offset, bytes.count))
        var line = 1, lineStart = 0
        var i = 0
        while i < offset {
            if bytes[i] == UInt8(ascii: "\n") {
                line += 1
                lineStart = i + 1
            }
            i += 1
        }
        self.init(line: line, column: offset - lineStart + 1, offset: offset, message: message)
    }

    public var description: String { "line \(line), column \(column): \(message)" }
}

public enum TableFile {
    public static func save(_ table: MapTable, format: TableFileFormat) -> String {
        switch format {
        case .csv: return TableCSV.encode(table)
        case .json: return TableJSON.encode(table)
        case .text: return BpftraceTextRenderer.render(table)
        }
    }

    /// Saves in the format the path's extension names; nil for an unknown extension.
    public static func save(_ table: MapTable, path: String) -> (format: TableFileFormat, text: String)? {
        guard let format = TableFileFormat(path: path) else { return nil }
        return (format, save(table, format: format))
    }

    public static func load(_ data: [UInt8], format: TableFileFormat) throws(TableFileError) -> MapTable {
        switch format {
        case .csv: return try TableCSV.decode(data)
        case .json: return try TableJSON.decode(data)
        case .text:
            throw TableFileError(
                line: 1, column: 1, offset: 0,
                message: "bpftrace text cannot be loaded; save as .csv or .json")
        }
    }

    public static func load(_ text: String, format: TableFileFormat) throws(TableFileError) -> MapTable {
        try load(Array(text.utf8), format: format)
    }
}
