/// The CSV table file (RFC 4180: comma-separated, fields quoted with `"` when they hold a
/// comma, quote, CR or LF; lines end with `\n`). Columns:
///
///     map,key1:int,key2:string,kind,value,total,count,bucket,low,high
///
/// - `map`: the map's name, on every row.
/// - key columns, typed in the header: `key:TYPE` for a single key part, `key1:TYPE`,
///   `key2:TYPE`, ... for tuple keys. TYPE is `int`, `uint`, `string`, `symbol` or `stack`
///   (frames joined with `;`, innermost first). When the parts of a column mix kinds, keys
///   have different lengths, or a part is a tuple/none/a stack whose frames are empty or hold
///   `;`, there is one column `key:json` holding the key as a JSON array of `TableJSON`
///   values instead. No key columns for a map without keys.
/// - `kind`: `count`, `sum`, `min`, `max`, `avg`, `stats`, `hist`, `lhist:MIN:MAX:STEP`, or
///   `value:TYPE` for plain values (TYPE as above, or `json` for a `TableJSON` value).
/// - `value`: the number (count/sum/min/max), the truncated average (avg/stats; ignored when
///   loading), the bucket's count (histograms), or the plain value.
/// - `total`, `count`: avg/stats only.
/// - histograms take **one row per bucket**, in index order (zero counts kept): `bucket` is
///   the `HistogramKind` index, `low`/`high` the bucket's range [low, high) for people
///   (empty where open-ended; ignored when loading); a histogram without buckets is one row
///   with an empty `bucket`. Consecutive bucket rows of the same key and kind form one cell.
/// - `tseries:INTERVAL_NS:INTERVALS:int` (or `:uint`) takes one row per interval held, in
///   order: `bucket` is the interval number, `value` its value; like histograms, consecutive
///   rows of the same key and kind form one cell, and one with no intervals has an empty `bucket`.
/// - a table without rows is written as one row holding only the map name.
public enum TableCSV {
    static let cellColumns = ["kind", "value", "total", "count", "bucket", "low", "high"]

    enum PartType: String {
        case int, uint, string, symbol, stack, json
    }

    static func simpleType(_ v: Value) -> PartType? {
        switch v {
        case .int: return .int
        case .uint, .pointer: return .uint
        case .enumValue(_, let name): return name == nil ? .int : .symbol
        case .string, .bytes: return .string
        case .symbol: return .symbol
        case .stack(let frames):
            return frames.allSatisfy({ !$0.isEmpty && !$0.contains(";") }) ? .stack : nil
        case .tuple, .record, .array, .none: return nil
        }
    }

    static func text(_ v: Value, as type: PartType) -> String {
        switch (type, v) {
        case (.json, _): return TableJSON.value(v)
        case (_, .int(let n)): return String(n)
        case (_, .uint(let n)), (_, .pointer(let n)): return String(n)
        case (_, .enumValue(let n, let name)): return name ?? String(n)
        case (_, .bytes(let bytes)): return ValueText.escaped(bytes)
        case (_, .string(let s)), (_, .symbol(let s)): return s
        case (_, .stack(let frames)): return frames.joined(separator: ";")
        default: return TableJSON.value(v)
        }
    }

    /// Key column types, or nil for a single `key:json` column.
    static func keyTypes(_ table: MapTable) -> [PartType]? {
        guard let width = table.rows.first?.key.count else { return [] }
        var types: [PartType] = []
        for i in 0..<width {
            guard let t = simpleType(table.rows[0].key[i]) else { return nil }
            types.append(t)
        }
        for row in table.rows {
            guard row.key.count == width else { return nil }
            for i in 0..<width where simpleType(row.key[i]) != types[i] { return nil }
        }
        return types
    }

    static func field(_ s: String) -> String {
        guard
            s.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D })
        else { return s }
        var out = "\""
        for ch in s.unicodeScalars {
            if ch == "\"" { out += "\"\"" } else { out.unicodeScalars.append(ch) }
        }
        return out + "\""
    }

    public static func encode(_ table: MapTable) -> String {
        let types = keyTypes(table)
        var header = ["map"]
        if let types {
            // A table's own key names (a series' `time_ms`, a query's named keys) when they
            // name every column; `key`/`key1`... otherwise.
            let names =
                table.keyNames.count == types.count && table.keyNames.allSatisfy(isColumnName)
                ? table.keyNames
                : (types.count == 1 ? ["key"] : types.indices.map { "key\($0 + 1)" })
            for (name, t) in zip(names, types) { header.append(name + ":" + t.rawValue) }
        } else {
            header.append("key:json")
        }
        header += cellColumns
        let seriesFields = table.series.map(SeriesFields.csvValues) ?? []
        if table.series != nil { header += SeriesFields.csvColumns }
        var out = header.map(field).joined(separator: ",") + "\n"
        func emit(_ keyFields: [String], _ cellFields: [String]) {
            out +=
                ([field(table.name)] + keyFields.map(field) + cellFields.map(field) + seriesFields.map(field))
                .joined(separator: ",") + "\n"
        }
        if table.rows.isEmpty && SeriesFields.emptySampleTimes(of: table).isEmpty {
            emit([], Array(repeating: "", count: cellColumns.count))
        }
        for time in SeriesFields.emptySampleTimes(of: table) {
            let keyFields =
                types.map { [String(time)] + Array(repeating: "", count: max(0, $0.count - 1)) }
                ?? ["[" + TableJSON.value(.uint(time)) + "]"]
            emit(keyFields, Array(repeating: "", count: cellColumns.count))
        }
        for row in table.rows {
            let keyFields: [String]
            if let types {
                keyFields = zip(row.key, types).map { text($0, as: $1) }
            } else {
                keyFields = ["[" + row.key.map(TableJSON.value).joined(separator: ", ") + "]"]
            }
            switch row.cell {
            case .count(let n): emit(keyFields, ["count", String(n), "", "", "", "", ""])
            case .sum(let n): emit(keyFields, ["sum", String(n), "", "", "", "", ""])
            case .min(let n): emit(keyFields, ["min", String(n), "", "", "", "", ""])
            case .max(let n): emit(keyFields, ["max", String(n), "", "", "", "", ""])
            case .avg(let t, let c), .stats(let t, let c):
                let kind: String
                if case .avg = row.cell { kind = "avg" } else { kind = "stats" }
                emit(keyFields, [kind, String(RowOrder.average(total: t, count: c)), String(t), String(c), "", "", ""])
            case .histogram(let h):
                let kind: String
                switch h.kind {
                case .log2: kind = "hist"
                case .linear(let min, let max, let step): kind = "lhist:\(min):\(max):\(step)"
                }
                if h.buckets.isEmpty { emit(keyFields, [kind, "", "", "", "", "", ""]) }
                for (index, count) in h.buckets.sorted(by: { $0.key < $1.key }) {
                    let (low, high) = bounds(index, kind: h.kind)
                    emit(
                        keyFields,
                        [
                            kind, String(count), "", "", String(index), low.map(String.init) ?? "",
                            high.map(String.init) ?? "",
                        ])
                }
            case .timeSeries(let s):
                let kind = "tseries:\(s.intervalNanoseconds):\(s.intervals):" + (s.signed ? "int" : "uint")
                if s.points.isEmpty { emit(keyFields, [kind, "", "", "", "", "", ""]) }
                for (interval, value) in s.points.sorted(by: { $0.key < $1.key }) {
                    emit(keyFields, [kind, s.text(value), "", "", String(interval), "", ""])
                }
            case .value(let v):
                let type = simpleType(v) ?? .json
                emit(keyFields, ["value:" + type.rawValue, text(v, as: type), "", "", "", "", ""])
            }
        }
        return out
    }

    /// [low, high) of a bucket; nil where open-ended.
    static func bounds(_ index: Int, kind: HistogramKind) -> (Int64?, Int64?) {
        let (high, open) = Percentiles.upperBound(index, kind: kind)
        switch kind {
        case .log2:
            if index <= 0 { return (nil, 0) }
            if index == 1 { return (0, 1) }
            return (index - 2 >= 63 ? Int64.max : Int64(1) << (index - 2), high)
        case .linear(let min, _, let step):
            if index <= 0 { return (nil, min) }
            if open { return (high, nil) }
            return (high &- step, high)
        }
    }

    /// A key column name that reads back unambiguously from `NAME:TYPE`.
    static func isColumnName(_ name: String) -> Bool {
        !name.isEmpty && !name.contains(":") && !cellColumns.contains(name) && !SeriesFields.csvColumns.contains(name)
            && name != "map"
    }

    // MARK: - Loading

    struct Field {
        var text: String
        var offset: Int
    }

    /// Splits CSV into records of fields with their byte offsets.
    static func records(_ bytes: [UInt8]) throws(TableFileError) -> [[Field]] {
        var records: [[Field]] = []
        var record: [Field] = []
        var pos = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        func decode(_ raw: [UInt8], at offset: Int) throws(TableFileError) -> String {
            guard let s = String(validating: raw, as: UTF8.self) else {
                throw TableFileError(at: offset, in: bytes, "invalid UTF-8")
            }
            return s
        }
        while pos < bytes.count {
            let start = pos
            var raw: [UInt8] = []
            if bytes[pos] == UInt8(ascii: "\"") {
                pos += 1
                while true {
                    guard pos < bytes.count else {
                        throw TableFileError(at: start, in: bytes, "unterminated quoted field")
                    }
                    if bytes[pos] == UInt8(ascii: "\"") {
                        if pos + 1 < bytes.count, bytes[pos + 1] == UInt8(ascii: "\"") {
                            raw.append(0x22)
                            pos += 2
                            continue
                        }
                        pos += 1
                        break
                    }
                    raw.append(bytes[pos])
                    pos += 1
                }
                if pos < bytes.count, bytes[pos] != UInt8(ascii: ","), bytes[pos] != 0x0A, bytes[pos] != 0x0D {
                    throw TableFileError(at: pos, in: bytes, "expected ',' or the end of the line after a quoted field")
                }
            } else {
                while pos < bytes.count, bytes[pos] != UInt8(ascii: ","), bytes[pos] != 0x0A, bytes[pos] != 0x0D {
                    if bytes[pos] == UInt8(ascii: "\"") {
                        throw TableFileError(at: pos, in: bytes, "quote inside an unquoted field")
                    }
                    raw.append(bytes[pos])
                    pos += 1
                }
            }
            record.append(Field(text: try decode(raw, at: start), offset: start))
            if pos >= bytes.count { break }
            if bytes[pos] == UInt8(ascii: ",") {
                pos += 1
                if pos == bytes.count { record.append(Field(text: "", offset: pos)) }
                continue
            }
            // End of line: \n, \r\n or \r.
            if bytes[pos] == 0x0D, pos + 1 < bytes.count, bytes[pos + 1] == 0x0A { pos += 1 }
            pos += 1
            records.append(record)
            record = []
        }
        if !record.isEmpty { records.append(record) }
        return records
    }

    public static func decode(_ bytes: [UInt8]) throws(TableFileError) -> MapTable {
        let all = try records(bytes)
        func fail(_ f: Field, _ message: String) -> TableFileError { TableFileError(at: f.offset, in: bytes, message) }
        guard let header = all.first, !header.isEmpty else {
            throw TableFileError(at: 0, in: bytes, "empty file: expected a header row")
        }
        guard header[0].text == "map" else { throw fail(header[0], "expected the header to start with 'map'") }
        let isSeries = Array(header.suffix(SeriesFields.csvColumns.count)).map(\.text) == SeriesFields.csvColumns
        let trailing = isSeries ? SeriesFields.csvColumns.count : 0
        guard header.count >= 1 + cellColumns.count + trailing,
            Array(header.dropLast(trailing).suffix(cellColumns.count)).map(\.text) == cellColumns
        else {
            throw fail(
                header[header.count - 1], "expected the header to end with " + cellColumns.joined(separator: ","))
        }
        var keyTypes: [PartType] = []
        var keyNames: [String] = []
        var keyIsJSON = false
        let keyHeaders = header[1..<(header.count - cellColumns.count - trailing)]
        for (i, h) in keyHeaders.enumerated() {
            let parts = h.text.split(separator: ":", maxSplits: 1).map(String.init)
            let expectedName = keyHeaders.count == 1 ? "key" : "key\(i + 1)"
            guard parts.count == 2, isColumnName(parts[0]), let t = PartType(rawValue: parts[1]) else {
                throw fail(h, "expected a key column '\(expectedName):TYPE' (int, uint, string, symbol, stack, json)")
            }
            if t == .json {
                guard keyHeaders.count == 1 else { throw fail(h, "a json key column must be the only key column") }
                keyIsJSON = true
            }
            keyTypes.append(t)
            keyNames.append(parts[0])
        }
        let defaultNames = keyNames.count == 1 ? [["key"], ["key1"]] : [keyNames.indices.map { "key\($0 + 1)" }]
        if defaultNames.contains(keyNames) || keyIsJSON { keyNames = [] }
        let width = header.count
        let k = keyTypes.count
        var name: String?
        var rows: [MapTable.Row] = []
        var lastHistKind: String?
        var seriesTimes: [UInt64] = []
        var seriesRecord: [Field]?
        func seriesTime(_ key: [Value]) {
            if isSeries, case .uint(let time)? = key.first { seriesTimes.append(time) }
        }
        for record in all.dropFirst() {
            guard record.count == width else {
                throw fail(
                    record[Swift.min(record.count, width) - 1],
                    "expected \(width) fields, found \(record.count)")
            }
            if name == nil {
                name = record[0].text
            } else if record[0].text != name {
                throw fail(record[0], "a second map name in one file")
            }
            let c = Array(record[(1 + k)..<(width - trailing)])
            if isSeries { seriesRecord = seriesRecord ?? Array(record.suffix(trailing)) }
            let kind = c[0]
            if kind.text.isEmpty {
                if isSeries {
                    // A sample that had no rows: only its time.
                    guard let first = record.dropFirst().first, !first.text.isEmpty else { continue }
                    let time: Value
                    if keyIsJSON {
                        do throws(TableFileError) {
                            time = try TableJSON.decodeValues(Array(first.text.utf8)).first ?? .none
                        } catch {
                            throw TableFileError(at: first.offset, in: bytes, "bad JSON key: " + error.message)
                        }
                    } else {
                        time = try value(first, .uint, bytes)
                    }
                    seriesTime([time])
                    continue
                }
                guard rows.isEmpty, all.count == 2 else { throw fail(kind, "empty kind") }
                return MapTable(name: record[0].text, rows: [], keyNames: keyNames)
            }
            var key: [Value] = []
            if keyIsJSON {
                do throws(TableFileError) {
                    key = try TableJSON.decodeValues(Array(record[1].text.utf8))
                } catch {
                    throw TableFileError(at: record[1].offset, in: bytes, "bad JSON key: " + error.message)
                }
            } else {
                for i in 0..<k { key.append(try value(record[1 + i], keyTypes[i], bytes)) }
            }
            func int64(_ f: Field) throws(TableFileError) -> Int64 {
                guard let n = Int64(f.text) else { throw fail(f, "expected an integer") }
                return n
            }
            func uint64(_ f: Field) throws(TableFileError) -> UInt64 {
                guard let n = UInt64(f.text) else { throw fail(f, "expected an unsigned integer") }
                return n
            }
            let cell: Cell
            switch kind.text {
            case "count": cell = .count(try uint64(c[1]))
            case "sum": cell = .sum(try int64(c[1]))
            case "min": cell = .min(try int64(c[1]))
            case "max": cell = .max(try int64(c[1]))
            case "avg": cell = .avg(total: try int64(c[2]), count: try uint64(c[3]))
            case "stats": cell = .stats(total: try int64(c[2]), count: try uint64(c[3]))
            case let text where text == "hist" || text.hasPrefix("lhist:"):
                let histKind: HistogramKind
                if text == "hist" {
                    histKind = .log2
                } else {
                    let p = text.split(separator: ":", omittingEmptySubsequences: false)
                    guard p.count == 4, let mn = Int64(p[1]), let mx = Int64(p[2]), let st = Int64(p[3]) else {
                        throw fail(kind, "expected lhist:MIN:MAX:STEP")
                    }
                    histKind = .linear(min: mn, max: mx, step: st)
                }
                var buckets: [Int: UInt64] = [:]
                if !c[4].text.isEmpty {
                    guard let index = Int(c[4].text) else { throw fail(c[4], "expected a bucket index") }
                    buckets[index] = try uint64(c[1])
                    // Continue the previous row's histogram when it has the same key and kind.
                    if lastHistKind == text, let last = rows.last, last.key == key,
                        case .histogram(var h) = last.cell, !h.buckets.isEmpty
                    {
                        guard h.buckets[index] == nil else { throw fail(c[4], "bucket \(index) listed twice") }
                        h.buckets[index] = buckets[index]
                        rows[rows.count - 1].cell = .histogram(h)
                        continue
                    }
                }
                cell = .histogram(Histogram(kind: histKind, buckets: buckets))
            case let text where text.hasPrefix("tseries:"):
                let p = text.split(separator: ":", omittingEmptySubsequences: false)
                guard p.count == 4, let interval = UInt64(p[1]), let intervals = UInt64(p[2]),
                    p[3] == "int" || p[3] == "uint"
                else {
                    throw fail(kind, "expected tseries:INTERVAL_NS:INTERVALS:int|uint")
                }
                var series = TimeSeries(
                    intervalNanoseconds: interval, intervals: intervals, points: [:], signed: p[3] == "int")
                if !c[4].text.isEmpty {
                    guard let number = UInt64(c[4].text) else { throw fail(c[4], "expected an interval number") }
                    let value = series.signed ? UInt64(bitPattern: try int64(c[1])) : try uint64(c[1])
                    if lastHistKind == text, let last = rows.last, last.key == key,
                        case .timeSeries(var previous) = last.cell, !previous.points.isEmpty
                    {
                        guard previous.points[number] == nil else {
                            throw fail(c[4], "interval \(number) listed twice")
                        }
                        previous.points[number] = value
                        rows[rows.count - 1].cell = .timeSeries(previous)
                        continue
                    }
                    series.points[number] = value
                }
                cell = .timeSeries(series)
            case let text where text.hasPrefix("value:"):
                guard let t = PartType(rawValue: String(text.dropFirst(6))) else {
                    throw fail(kind, "unknown value type (int, uint, string, symbol, stack, json)")
                }
                cell = .value(try value(c[1], t, bytes))
            default:
                throw fail(kind, "unknown kind '\(kind.text)'")
            }
            lastHistKind =
                (kind.text == "hist" || kind.text.hasPrefix("lhist:") || kind.text.hasPrefix("tseries:"))
                    && !c[4].text.isEmpty ? kind.text : nil
            seriesTime(key)
            rows.append(MapTable.Row(key: key, cell: cell))
        }
        guard let name else {
            throw TableFileError(at: bytes.count, in: bytes, "no rows: expected at least the map-name row")
        }
        var table = MapTable(name: name, rows: rows, keyNames: keyNames)
        if let fields = seriesRecord {
            do throws(SeriesFields.Problem) {
                table.series = try SeriesFields.info(
                    source: fields[0].text, start: fields[1].text, interval: fields[2].text,
                    measure: fields[3].text, times: seriesTimes)
            } catch {
                switch error {
                case .badNumber(let text):
                    let field = fields[1].text == text ? fields[1] : fields[2]
                    throw fail(field, "expected a number of seconds")
                case .badMeasure: throw fail(fields[3], "expected cumulative, delta or rate")
                }
            }
        }
        return table
    }

    static func value(_ f: Field, _ type: PartType, _ bytes: [UInt8]) throws(TableFileError) -> Value {
        switch type {
        case .int:
            guard let n = Int64(f.text) else { throw TableFileError(at: f.offset, in: bytes, "expected an integer") }
            return .int(n)
        case .uint:
            guard let n = UInt64(f.text) else {
                throw TableFileError(at: f.offset, in: bytes, "expected an unsigned integer")
            }
            return .uint(n)
        case .string: return .string(f.text)
        case .symbol: return .symbol(f.text)
        case .stack:
            return .stack(
                f.text.isEmpty ? [] : f.text.split(separator: ";", omittingEmptySubsequences: false).map(String.init))
        case .json:
            do throws(TableFileError) {
                return try TableJSON.decodeValue(Array(f.text.utf8))
            } catch {
                throw TableFileError(at: f.offset, in: bytes, "bad JSON value: " + error.message)
            }
        }
    }
}
