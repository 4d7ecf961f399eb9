import Foundation
import Session
import Tables

/// The tables a shell session can name: live maps (`@calls`, read fresh each time) and tables
/// kept by name (snapshots, loaded files), which stay after the probes and maps are gone.
public final class TableStore {
    public private(set) var saved: [String: MapTable] = [:]
    let session: TracingSession

    public init(session: TracingSession) { self.session = session }

    /// A query's intermediate result, lent to a command under a name while it runs.
    private var lent: (name: String, table: MapTable)?

    /// `@map` reads the live map; a bare name is a kept table.
    public func table(_ name: String) throws -> MapTable {
        if let lent, lent.name == name { return lent.table }
        if name.hasPrefix("@") { return try live(name) }
        guard let table = saved[name] else {
            if session.mapInfo(named: name) != nil { return try live(name) }
            throw CommandError(
                "no table named '\(name)': maps are written @name; kept tables: "
                    + (saved.keys.sorted().joined(separator: ", ").isEmpty
                        ? "none" : saved.keys.sorted().joined(separator: ", ")))
        }
        return table
    }

    /// A live map read now, knowing the time its values cover (for `rate`).
    private func live(_ name: String) throws -> MapTable {
        var table = try session.table(name)
        table.capture = CaptureSpan(start: session.mapStartTime(name), end: Date().timeIntervalSince1970)
        return table
    }

    /// Runs `body` with `table` answering to `name`, so a table command can take a query's result.
    func lending<T>(_ table: MapTable, as name: String, _ body: () throws -> T) rethrows -> T {
        let previous = lent
        lent = (name, table)
        defer { lent = previous }
        return try body()
    }

    /// The column names a query on `name` may use, without reading a live map.
    public func columnNames(_ name: String) -> [String] {
        if let info = session.mapInfo(named: name), name.hasPrefix("@") || saved[name] == nil {
            let width = info.keys.count
            return (width == 0 ? [] : ["key"] + (width > 1 ? (1...width).map { "key\($0)" } : [])) + ["value"]
        }
        return saved[name].map(TableColumn.names(of:)) ?? ["key", "value"]
    }

    public func keep(_ table: MapTable, as name: String) throws {
        guard let first = name.first, first.isLetter || first == "_",
            name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" })
        else {
            throw CommandError("'\(name)' is not a valid table name: use letters, digits and _")
        }
        var kept = table
        kept.name = name
        saved[name] = kept
    }
}
