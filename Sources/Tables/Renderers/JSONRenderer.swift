/// bpftrace 0.17's `-f json` output: one JSON object per line, `{"type": ..., "data": ...}`.
///
/// Consumers parse these lines, so the shapes (and the spacing, which some consumers match
/// with regular expressions) follow bpftrace exactly:
/// - `map` for count/sum/min/max/plain values, `hist` for hist/lhist, `stats` for avg and
///   stats maps, `tseries` for tseries maps; `{"@a": 1}` without keys, `{"@b": {"1,x": 5}}` with keys (key parts joined
///   by a comma, no space, as one JSON string);
/// - histogram buckets `{"min": 2, "max": 3, "count": 1}`, the open ends without `min`/`max`;
/// - tuples as arrays without spaces (`[1,"a"]`), strings, stacks and symbols as strings;
/// - a map with no rows prints nothing at all (unlike text output).
///
/// Deliberate difference: bpftrace 0.17 escapes every byte ≥ 0x80 as a broken `\uffffffXX`;
/// we pass non-ASCII text through unchanged, which is valid JSON.
public enum JSONRenderer {
    /// The line for `print(@map, top, div)`, or "" for a map with no rows.
    public static func render(_ map: MapTable, options: PrintOptions = PrintOptions()) -> String {
        guard let first = map.rows.first?.cell else { return "" }
        let type: String
        switch first {
        case .histogram: type = "hist"
        case .avg, .stats: type = "stats"
        case .timeSeries: type = "tseries"
        default: type = "map"
        }
        let rows = RowOrder.rowsToPrint(map, options: options)
        let divisor = options.effectiveDivisor
        let keyed = rows.contains { !$0.key.isEmpty }
        let window = TimeSeries.window(map.timeSeries)
        let elements = rows.map { row -> String in
            var value = cellJSON(row.cell, divisor: divisor)
            if case .timeSeries(let series) = row.cell { value = timeSeries(series, window: window) }
            if row.key.isEmpty { return value }
            let key = row.key.map(ValueText.keyPart).joined(separator: ",")
            return quote(key) + ": " + value
        }
        var body = elements.joined(separator: ", ")
        if keyed { body = "{" + body + "}" }
        return line(type: type, data: "{" + quote(map.name) + ": " + body + "}")
    }

    /// What bpftrace prints in JSON mode when the program ends: two bare newlines (bpftrace
    /// writes them in every output format), then one line per non-empty map, in name order.
    public static func renderExit(_ maps: [MapTable]) -> String {
        "\n\n" + BpftraceTextRenderer.sortedByName(maps).map { render($0) }.joined()
    }

    /// `print(expr)` for a non-map value.
    public static func value(_ value: Value) -> String {
        line(type: "value", data: json(value, divisor: 1))
    }

    /// One `printf()` call's output (already formatted).
    public static func printf(_ text: String) -> String {
        message(type: "printf", text: text)
    }

    /// One `time()` call's output (already formatted).
    public static func time(_ text: String) -> String {
        message(type: "time", text: text)
    }

    /// Any text message bpftrace emits in JSON as a string: `printf`, `time`, `cat`, `join`,
    /// `syscall` (the output of `system()`).
    public static func message(type: String, text: String) -> String {
        line(type: type, data: quote(text))
    }

    /// `{"type": "attached_probes", "data": {"probes": N}}`, bpftrace's first line.
    public static func attachedProbes(_ count: Int) -> String {
        line(type: "attached_probes", data: "{\"probes\": \(count)}")
    }

    /// `{"type": "lost_events", "data": {"events": N}}`.
    public static func lostEvents(_ count: UInt64) -> String {
        line(type: "lost_events", data: "{\"events\": \(count)}")
    }

    /// The buckets of one histogram as a JSON array; `[]` when all buckets are zero.
    ///
    /// The divisor divides `hist()` counts only, as bpftrace; `lhist()` ignores it.
    public static func histogram(_ histogram: Histogram, divisor: Int64 = 1) -> String {
        let layout = HistogramLayout(histogram)
        let items = layout.buckets.map { bucket -> String in
            var count = bucket.count
            let bounds: String
            switch histogram.kind {
            case .log2:
                count /= UInt64(divisor > 0 ? divisor : 1)
                bounds = log2Bounds(bucket.index)
            case .linear(let min, let max, let step):
                bounds = linearBounds(bucket.index, min: min, max: max, step: step)
            }
            return "{" + bounds + "\"count\": \(count)}"
        }
        return "[" + items.joined(separator: ", ") + "]"
    }

    /// A `tseries()` value over `window` (its map's span): the intervals holding a value, as
    /// `{"interval_start":"1970-01-01 00:00:00.500000000","value":9}` (UTC, to the nanosecond).
    public static func timeSeries(_ series: TimeSeries, window: (first: UInt64, last: UInt64)?) -> String {
        let points = window.map { series.points(in: $0) } ?? []
        let items = points.compactMap { point -> String? in
            guard let value = point.value else { return nil }
            let start = TimeSeriesText.utcDateTime(point.nanoseconds)
            return "{\"interval_start\":\"\(start)\",\"value\":\(series.text(value))}"
        }
        return "[" + items.joined(separator: ",") + "]"
    }

    /// A JSON string literal with bpftrace's escapes.
    public static func quote(_ text: String) -> String {
        "\"" + escape(text) + "\""
    }

    /// bpftrace's `json_escape`: quote, backslash, \n \r \t by name, other control
    /// characters as `\u00XX`.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    // MARK: - Pieces

    private static func line(type: String, data: String) -> String {
        "{\"type\": \"" + type + "\", \"data\": " + data + "}\n"
    }

    private static func cellJSON(_ cell: Cell, divisor: Int64) -> String {
        if let number = CellNumber.scaled(cell, divisor: divisor) { return number }
        switch cell {
        case .count, .sum, .min, .max, .avg: return ""
        case .stats(let total, let count):
            return "{\"count\": \(Int64(truncatingIfNeeded: count)), \"average\": "
                + "\(RowOrder.average(total: total, count: count)), \"total\": \(total)}"
        case .histogram(let h): return histogram(h, divisor: divisor)
        case .timeSeries(let series): return timeSeries(series, window: TimeSeries.window([series]))
        case .value(let v): return json(v, divisor: divisor)
        }
    }

    private static func json(_ value: Value, divisor: Int64) -> String {
        switch value {
        case .int, .uint:
            return ValueText.value(value, divisor: divisor)
        case .pointer(let address):
            return String(address)
        case .enumValue(let n, let name):
            return name.map(quote) ?? String(n)
        case .record(let names, let values):
            return "{" + zip(names, values).map { quote($0) + ": " + json($1, divisor: divisor) }.joined(separator: ", ") + "}"
        case .string, .symbol, .stack, .bytes:
            return quote(ValueText.value(value))
        case .tuple(let elements), .array(let elements):
            return "[" + elements.map { json($0, divisor: divisor) }.joined(separator: ",") + "]"
        case .none:
            return "null"
        }
    }

    private static func log2Bounds(_ index: Int) -> String {
        switch index {
        case 0: return "\"max\": -1, "
        case 1: return "\"min\": 0, \"max\": 0, "
        case 2: return "\"min\": 1, \"max\": 1, "
        default:
            let low = Int64(bitPattern: UInt64(1) << UInt64(index - 2))
            let high = Int64(bitPattern: (UInt64(1) << UInt64(index - 1)) &- 1)
            return "\"min\": \(low), \"max\": \(high), "
        }
    }

    private static func linearBounds(_ index: Int, min: Int64, max: Int64, step: Int64) -> String {
        let buckets = HistogramLayout.linearBucketCount(min: min, max: max, step: step)
        let i = Int64(index)
        if i == 0 { return "\"max\": \(min &- 1), " }
        if i == buckets + 1 { return "\"min\": \(max), " }
        let low = (i &- 1) &* step &+ min
        let high = i &* step &+ min &- 1
        return "\"min\": \(low), \"max\": \(high), "
    }
}
