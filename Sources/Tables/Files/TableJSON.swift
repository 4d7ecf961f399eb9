/// The JSON table file: self-describing, exact for every Value and Cell kind.
///
///     {"format": "bpfsh.table", "version": 1, "name": "@m", "rows": [
///     {"key": [{"int": -5}, {"string": "bash"}], "cell": {"count": 12}},
///     {"key": [], "cell": {"lhist": {"min": 0, "max": 100, "step": 10, "buckets": [[1, 4], [11, 1]]}}}
///     ]}
///
/// Values are one-member objects naming their kind: `{"int": n}`, `{"uint": n}`,
/// `{"string": s}`, `{"symbol": s}`, `{"stack": [frame, ...]}` (innermost first),
/// `{"tuple": [value, ...]}`, `{"none": null}`. Cells likewise: `{"count": n}`, `{"sum": n}`,
/// `{"min": n}`, `{"max": n}`, `{"avg": {"total": t, "count": c}}`, `{"stats": {...}}`,
/// `{"hist": {"buckets": [[index, count], ...]}}`, `{"lhist": {"min", "max", "step",
/// "buckets"}}` (bucket indexes as in `HistogramKind`, ascending; zero counts are kept),
/// `{"tseries": {"interval_ns", "intervals", "signed", "points": [[interval, value], ...]}}`
/// (interval numbers ascending, values as unsigned 64-bit patterns), `{"value": value}`. Integers are written in full and read back exactly (64-bit, no
/// floating point). Members may come in any order; unknown top-level members are ignored.
/// Optional top-level members: `"key_names"` (the key columns' names, e.g. a series' `time_ms`)
/// and `"series"` (see `SeriesFields`).
public enum TableJSON {
    public static let formatName = "bpfsh.table"
    public static let version = 1

    public static func encode(_ table: MapTable) -> String {
        var out = "{\"format\": \"\(formatName)\", \"version\": \(version), \"name\": "
        out += JSONRenderer.quote(table.name) + ", \"rows\": ["
        for (i, row) in table.rows.enumerated() {
            out += i == 0 ? "\n" : ",\n"
            out += "{\"key\": [" + row.key.map(value).joined(separator: ", ") + "], \"cell\": " + cell(row.cell) + "}"
        }
        out += table.rows.isEmpty ? "]" : "\n]"
        if !table.keyNames.isEmpty {
            out += ", \"key_names\": [" + table.keyNames.map(JSONRenderer.quote).joined(separator: ", ") + "]"
        }
        if let info = table.series {
            out +=
                ", \"series\": {\"source\": " + JSONRenderer.quote(info.source) + ", \"start_ms\": "
                + String(Int64((info.start * 1000).rounded())) + ", \"interval_ms\": "
                + String(Int64((info.interval * 1000).rounded()))
                + ", \"measure\": \"" + info.measure.rawValue + "\", \"times\": ["
                + info.times.map(String.init).joined(separator: ", ") + "]}"
        }
        return out + "}\n"
    }

    static func value(_ v: Value) -> String {
        switch v {
        case .int(let n): return "{\"int\": \(n)}"
        case .uint(let n): return "{\"uint\": \(n)}"
        case .string(let s): return "{\"string\": " + JSONRenderer.quote(s) + "}"
        case .symbol(let s): return "{\"symbol\": " + JSONRenderer.quote(s) + "}"
        case .stack(let frames): return "{\"stack\": [" + frames.map(JSONRenderer.quote).joined(separator: ", ") + "]}"
        case .tuple(let items): return "{\"tuple\": [" + items.map(value).joined(separator: ", ") + "]}"
        case .array(let items): return "{\"array\": [" + items.map(value).joined(separator: ", ") + "]}"
        case .pointer(let n): return "{\"uint\": \(n)}"
        case .record(let names, let values):
            return "{\"record\": [" + zip(names, values).map { "[" + JSONRenderer.quote($0) + ", " + value($1) + "]" }
                .joined(separator: ", ") + "]}"
        case .enumValue(let n, let name):
            return name.map { "{\"symbol\": " + JSONRenderer.quote($0) + "}" } ?? "{\"int\": \(n)}"
        case .bytes(let bytes): return "{\"string\": " + JSONRenderer.quote(ValueText.escaped(bytes)) + "}"
        case .none: return "{\"none\": null}"
        }
    }

    static func cell(_ c: Cell) -> String {
        switch c {
        case .count(let n): return "{\"count\": \(n)}"
        case .sum(let n): return "{\"sum\": \(n)}"
        case .min(let n): return "{\"min\": \(n)}"
        case .max(let n): return "{\"max\": \(n)}"
        case .avg(let t, let n): return "{\"avg\": {\"total\": \(t), \"count\": \(n)}}"
        case .stats(let t, let n): return "{\"stats\": {\"total\": \(t), \"count\": \(n)}}"
        case .histogram(let h):
            let buckets =
                "["
                + h.buckets.sorted { $0.key < $1.key }.map { "[\($0.key), \($0.value)]" }
                .joined(separator: ", ") + "]"
            switch h.kind {
            case .log2: return "{\"hist\": {\"buckets\": \(buckets)}}"
            case .linear(let min, let max, let step):
                return "{\"lhist\": {\"min\": \(min), \"max\": \(max), \"step\": \(step), \"buckets\": \(buckets)}}"
            }
        case .timeSeries(let s):
            let points = s.points.sorted { $0.key < $1.key }.map { "[\($0.key), \($0.value)]" }
            return "{\"tseries\": {\"interval_ns\": \(s.intervalNanoseconds), \"intervals\": \(s.intervals), "
                + "\"signed\": \(s.signed), \"points\": [" + points.joined(separator: ", ") + "]}}"
        case .value(let v): return "{\"value\": " + value(v) + "}"
        }
    }

    public static func decode(_ bytes: [UInt8]) throws(TableFileError) -> MapTable {
        var parser = JSONParser(bytes: bytes)
        let root = try parser.document()
        return try Decoder(bytes: bytes).table(root)
    }

    /// Decodes one value written by `value(_:)` (CSV files use it for complex keys).
    static func decodeValue(_ bytes: [UInt8]) throws(TableFileError) -> Value {
        var parser = JSONParser(bytes: bytes)
        return try Decoder(bytes: bytes).value(try parser.document())
    }

    static func decodeValues(_ bytes: [UInt8]) throws(TableFileError) -> [Value] {
        var parser = JSONParser(bytes: bytes)
        let decoder = Decoder(bytes: bytes)
        var values: [Value] = []
        for item in try decoder.array(try parser.document()) { values.append(try decoder.value(item)) }
        return values
    }

    private struct Decoder {
        let bytes: [UInt8]

        func fail(_ node: JSONNode, _ message: String) -> TableFileError {
            TableFileError(at: node.offset, in: bytes, message)
        }

        func object(_ node: JSONNode) throws(TableFileError) -> [(String, JSONNode)] {
            guard case .object(let members) = node.kind else { throw fail(node, "expected an object") }
            return members
        }

        func array(_ node: JSONNode) throws(TableFileError) -> [JSONNode] {
            guard case .array(let items) = node.kind else { throw fail(node, "expected an array") }
            return items
        }

        func string(_ node: JSONNode) throws(TableFileError) -> String {
            guard case .string(let s) = node.kind else { throw fail(node, "expected a string") }
            return s
        }

        func integer<T: FixedWidthInteger>(_ node: JSONNode, _: T.Type) throws(TableFileError) -> T {
            guard case .number(let text) = node.kind else { throw fail(node, "expected an integer") }
            guard let n = T(text) else { throw fail(node, "expected an integer in range of \(T.self)") }
            return n
        }

        func member(
            _ members: [(String, JSONNode)], _ name: String, in node: JSONNode
        ) throws(TableFileError) -> JSONNode {
            guard let found = members.first(where: { $0.0 == name }) else { throw fail(node, "missing \"\(name)\"") }
            return found.1
        }

        /// A one-member object `{"kind": payload}`.
        func tagged(_ node: JSONNode, what: String) throws(TableFileError) -> (String, JSONNode) {
            let members = try object(node)
            guard members.count == 1 else { throw fail(node, "expected a \(what) object with exactly one member") }
            return members[0]
        }

        func table(_ root: JSONNode) throws(TableFileError) -> MapTable {
            let members = try object(root)
            let format = try string(try member(members, "format", in: root))
            guard format == TableJSON.formatName else { throw fail(root, "not a bpfsh table (format \"\(format)\")") }
            let versionNode = try member(members, "version", in: root)
            let v = try integer(versionNode, Int.self)
            guard v == TableJSON.version else { throw fail(versionNode, "unsupported version \(v)") }
            let name = try string(try member(members, "name", in: root))
            var rows: [MapTable.Row] = []
            for rowNode in try array(try member(members, "rows", in: root)) {
                let rowMembers = try object(rowNode)
                var key: [Value] = []
                for part in try array(try member(rowMembers, "key", in: rowNode)) { key.append(try value(part)) }
                rows.append(MapTable.Row(key: key, cell: try cell(try member(rowMembers, "cell", in: rowNode))))
            }
            var table = MapTable(name: name, rows: rows)
            if let names = members.first(where: { $0.0 == "key_names" })?.1 {
                for item in try array(names) { table.keyNames.append(try string(item)) }
            }
            if let seriesNode = members.first(where: { $0.0 == "series" })?.1 {
                table.series = try series(seriesNode)
            }
            return table
        }

        func series(_ node: JSONNode) throws(TableFileError) -> SeriesInfo {
            let m = try object(node)
            // Milliseconds, as integers: the file format holds no floating point.
            func number(_ name: String) throws(TableFileError) -> String {
                SeriesFields.seconds(Double(try integer(try member(m, name, in: node), Int64.self)) / 1000)
            }
            var times: [UInt64] = []
            for item in try array(try member(m, "times", in: node)) { times.append(try integer(item, UInt64.self)) }
            let measureNode = try member(m, "measure", in: node)
            let source = try string(try member(m, "source", in: node))
            let start = try number("start_ms")
            let interval = try number("interval_ms")
            let measure = try string(measureNode)
            do throws(SeriesFields.Problem) {
                return try SeriesFields.info(
                    source: source, start: start, interval: interval, measure: measure, times: times)
            } catch {
                switch error {
                case .badNumber: throw fail(node, "expected start and interval in seconds")
                case .badMeasure: throw fail(measureNode, "expected cumulative, delta or rate")
                }
            }
        }

        func value(_ node: JSONNode, depth: Int = 0) throws(TableFileError) -> Value {
            guard depth < 100 else { throw fail(node, "values nested too deeply") }
            let (kind, payload) = try tagged(node, what: "value")
            switch kind {
            case "int": return .int(try integer(payload, Int64.self))
            case "uint": return .uint(try integer(payload, UInt64.self))
            case "string": return .string(try string(payload))
            case "symbol": return .symbol(try string(payload))
            case "stack":
                var frames: [String] = []
                for f in try array(payload) { frames.append(try string(f)) }
                return .stack(frames)
            case "tuple":
                var items: [Value] = []
                for item in try array(payload) { items.append(try value(item, depth: depth + 1)) }
                return .tuple(items)
            case "array":
                var items: [Value] = []
                for item in try array(payload) { items.append(try value(item, depth: depth + 1)) }
                return .array(items)
            case "none":
                guard case .null = payload.kind else { throw fail(payload, "expected null") }
                return .none
            case "record":
                var names: [String] = []
                var values: [Value] = []
                for pair in try array(payload) {
                    let items = try array(pair)
                    guard items.count == 2 else { throw fail(pair, "expected [name, value]") }
                    names.append(try string(items[0]))
                    values.append(try value(items[1], depth: depth + 1))
                }
                return .record(names: names, values: values)
            default: throw fail(node, "unknown value kind \"\(kind)\"")
            }
        }

        func cell(_ node: JSONNode) throws(TableFileError) -> Cell {
            let (kind, payload) = try tagged(node, what: "cell")
            switch kind {
            case "count": return .count(try integer(payload, UInt64.self))
            case "sum": return .sum(try integer(payload, Int64.self))
            case "min": return .min(try integer(payload, Int64.self))
            case "max": return .max(try integer(payload, Int64.self))
            case "avg", "stats":
                let m = try object(payload)
                let total = try integer(try member(m, "total", in: payload), Int64.self)
                let count = try integer(try member(m, "count", in: payload), UInt64.self)
                return kind == "avg" ? .avg(total: total, count: count) : .stats(total: total, count: count)
            case "hist", "lhist":
                let m = try object(payload)
                let histKind: HistogramKind
                if kind == "hist" {
                    histKind = .log2
                } else {
                    histKind = .linear(
                        min: try integer(try member(m, "min", in: payload), Int64.self),
                        max: try integer(try member(m, "max", in: payload), Int64.self),
                        step: try integer(try member(m, "step", in: payload), Int64.self))
                }
                var buckets: [Int: UInt64] = [:]
                for pair in try array(try member(m, "buckets", in: payload)) {
                    let items = try array(pair)
                    guard items.count == 2 else { throw fail(pair, "expected [index, count]") }
                    let index = try integer(items[0], Int.self)
                    guard buckets[index] == nil else { throw fail(items[0], "bucket \(index) listed twice") }
                    buckets[index] = try integer(items[1], UInt64.self)
                }
                return .histogram(Histogram(kind: histKind, buckets: buckets))
            case "tseries":
                let m = try object(payload)
                guard case .bool(let signed) = try member(m, "signed", in: payload).kind else {
                    throw fail(payload, "expected \"signed\": true or false")
                }
                var points: [UInt64: UInt64] = [:]
                for pair in try array(try member(m, "points", in: payload)) {
                    let items = try array(pair)
                    guard items.count == 2 else { throw fail(pair, "expected [interval, value]") }
                    points[try integer(items[0], UInt64.self)] = try integer(items[1], UInt64.self)
                }
                return .timeSeries(
                    TimeSeries(
                        intervalNanoseconds: try integer(try member(m, "interval_ns", in: payload), UInt64.self),
                        intervals: try integer(try member(m, "intervals", in: payload), UInt64.self),
                        points: points, signed: signed))
            case "value": return .value(try value(payload))
            default: throw fail(node, "unknown cell kind \"\(kind)\"")
            }
        }
    }
}

struct JSONNode {
    enum Kind {
        case object([(String, JSONNode)])
        case array([JSONNode])
        case string(String)
        /// The literal text of a number, so 64-bit integers convert exactly.
        case number(String)
        case bool(Bool)
        case null
    }
    var offset: Int
    var kind: Kind
}

/// A strict RFC 8259 parser over bytes that reports the byte offset of the first problem.
struct JSONParser {
    let bytes: [UInt8]
    var pos = 0
    static let maxDepth = 200

    init(bytes: [UInt8]) { self.bytes = bytes }

    func fail(_ message: String, at offset: Int? = nil) -> TableFileError {
        TableFileError(at: offset ?? pos, in: bytes, message)
    }

    mutating func document() throws(TableFileError) -> JSONNode {
        // Skip a UTF-8 byte order mark.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { pos = 3 }
        let node = try parse(depth: 0)
        skipSpace()
        if pos < bytes.count { throw fail("unexpected text after the JSON document") }
        return node
    }

    mutating func skipSpace() {
        while pos < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[pos]) { pos += 1 }
    }

    mutating func parse(depth: Int) throws(TableFileError) -> JSONNode {
        guard depth < Self.maxDepth else { throw fail("nested too deeply") }
        skipSpace()
        guard pos < bytes.count else { throw fail("unexpected end of input") }
        let start = pos
        switch bytes[pos] {
        case UInt8(ascii: "{"):
            pos += 1
            var members: [(String, JSONNode)] = []
            skipSpace()
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "}") {
                pos += 1
                return JSONNode(offset: start, kind: .object(members))
            }
            while true {
                skipSpace()
                guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else { throw fail("expected a member name") }
                let name = try string()
                skipSpace()
                guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                pos += 1
                members.append((name, try parse(depth: depth + 1)))
                skipSpace()
                guard pos < bytes.count else { throw fail("unexpected end of input in an object") }
                if bytes[pos] == UInt8(ascii: ",") {
                    pos += 1
                    continue
                }
                if bytes[pos] == UInt8(ascii: "}") {
                    pos += 1
                    break
                }
                throw fail("expected ',' or '}'")
            }
            return JSONNode(offset: start, kind: .object(members))
        case UInt8(ascii: "["):
            pos += 1
            var items: [JSONNode] = []
            skipSpace()
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "]") {
                pos += 1
                return JSONNode(offset: start, kind: .array(items))
            }
            while true {
                items.append(try parse(depth: depth + 1))
                skipSpace()
                guard pos < bytes.count else { throw fail("unexpected end of input in an array") }
                if bytes[pos] == UInt8(ascii: ",") {
                    pos += 1
                    continue
                }
                if bytes[pos] == UInt8(ascii: "]") {
                    pos += 1
                    break
                }
                throw fail("expected ',' or ']'")
            }
            return JSONNode(offset: start, kind: .array(items))
        case UInt8(ascii: "\""):
            return JSONNode(offset: start, kind: .string(try string()))
        case UInt8(ascii: "t"):
            try word("true")
            return JSONNode(offset: start, kind: .bool(true))
        case UInt8(ascii: "f"):
            try word("false")
            return JSONNode(offset: start, kind: .bool(false))
        case UInt8(ascii: "n"):
            try word("null")
            return JSONNode(offset: start, kind: .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            if bytes[pos] == UInt8(ascii: "-") { pos += 1 }
            let digits = pos
            while pos < bytes.count, bytes[pos] >= UInt8(ascii: "0"), bytes[pos] <= UInt8(ascii: "9") { pos += 1 }
            guard pos > digits else { throw fail("expected a digit") }
            if pos < bytes.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[pos]) {
                throw fail("only integers are expected in a table file")
            }
            return JSONNode(offset: start, kind: .number(String(decoding: bytes[start..<pos], as: UTF8.self)))
        default:
            throw fail("unexpected character")
        }
    }

    mutating func word(_ w: String) throws(TableFileError) {
        let u = Array(w.utf8)
        guard pos + u.count <= bytes.count, Array(bytes[pos..<pos + u.count]) == u else {
            throw fail("unexpected word")
        }
        pos += u.count
    }

    mutating func hex4() throws(TableFileError) -> UInt32 {
        guard pos + 4 <= bytes.count else { throw fail("truncated \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[pos]
            let d: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - UInt8(ascii: "A") + 10)
            default: throw fail("bad hex digit in \\u escape")
            }
            v = v * 16 + d
            pos += 1
        }
        return v
    }

    /// A string literal starting at the opening quote.
    mutating func string() throws(TableFileError) -> String {
        let start = pos
        pos += 1
        var out: [UInt8] = []
        while true {
            guard pos < bytes.count else { throw fail("unterminated string", at: start) }
            let c = bytes[pos]
            if c == UInt8(ascii: "\"") {
                pos += 1
                break
            }
            if c < 0x20 { throw fail("control character in a string") }
            if c != UInt8(ascii: "\\") {
                out.append(c)
                pos += 1
                continue
            }
            pos += 1
            guard pos < bytes.count else { throw fail("unterminated string", at: start) }
            let e = bytes[pos]
            pos += 1
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "u"):
                let escapeAt = pos - 2
                var scalar = try hex4()
                if (0xD800..<0xDC00).contains(scalar) {
                    guard pos + 2 <= bytes.count, bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u")
                    else {
                        throw fail("unpaired surrogate", at: escapeAt)
                    }
                    pos += 2
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw fail("unpaired surrogate", at: escapeAt) }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let u = Unicode.Scalar(scalar) else { throw fail("unpaired surrogate", at: escapeAt) }
                out.append(contentsOf: Array(String(Character(u)).utf8))
            default: throw fail("unknown escape", at: pos - 2)
            }
        }
        guard let s = String(validating: out, as: UTF8.self) else { throw fail("invalid UTF-8 in a string", at: start) }
        return s
    }
}
