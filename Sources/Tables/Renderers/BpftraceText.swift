/// bpftrace 0.17's text output for maps and values, byte for byte.
///
/// What `print(@m)` prints is `render(_:options:)`; what bpftrace prints when the program
/// ends is `renderExit(_:)`. Both include the blank lines bpftrace emits, because scripts and
/// tests compare whole outputs and those blank lines are where users notice differences:
/// - every map ends with a newline; a histogram map also ends with an empty line (and keys of
///   a histogram map are separated by one), an avg/stats map ends with an empty line;
/// - a map whose values are stacks does not separate its rows (each stack already ends with
///   a newline), so only the final newline adds an empty line;
/// - a map with no rows prints just the newline.
///
/// Deliberate difference: bpftrace 0.17 also glues rows of ksym/usym/ntop-valued maps onto one
/// line (`@a[1]: f@a[2]: g`); we print one row per line, since `Value.symbol` cannot tell those
/// apart from other preformatted text and the glued form is a bug no one relies on.
public enum BpftraceTextRenderer {
    /// Text of `print(@map, top, div)`.
    public static func render(_ map: MapTable, options: PrintOptions = PrintOptions()) -> String {
        guard let first = map.rows.first?.cell else { return "\n" }
        let rows = RowOrder.rowsToPrint(map, options: options)
        let divisor = options.effectiveDivisor
        let window = TimeSeries.window(map.timeSeries)
        let elements = rows.map { row -> String in
            let key = ValueText.key(name: map.name, parts: row.key)
            switch row.cell {
            case .histogram(let h):
                return key + ": \n" + histogram(h, divisor: divisor)
            case .timeSeries(let series):
                // The chart ends with its own newline, but "<no data>" does not (bpftrace).
                return key + ":\n" + timeSeries(series, window: window)
            default:
                return key + ": " + cellText(row.cell, divisor: divisor)
            }
        }
        var separator = "\n"
        if case .value(.stack) = first { separator = "" }
        var text = elements.joined(separator: separator) + "\n"
        switch first {
        case .avg, .stats: text += "\n"
        default: break
        }
        return text
    }

    /// Everything bpftrace prints after the program ends: two newlines, then every map in
    /// name order (bpftrace keeps its maps in a `std::map` keyed by name, so `@B` comes before
    /// `@_x` before `@a`, whatever the declaration order).
    ///
    /// bpftrace 0.17 prints maps that hold no rows as an empty line; pass `skipEmpty` to leave
    /// them out instead (what newer bpftrace does, and what an interactive dump wants).
    public static func renderExit(_ maps: [MapTable], skipEmpty: Bool = false) -> String {
        var text = "\n\n"
        for map in sortedByName(maps) where !(skipEmpty && map.rows.isEmpty) {
            text += render(map)
        }
        return text
    }

    /// Text of `print(expr)` for a non-map value: the value and a newline.
    public static func renderValue(_ value: Value) -> String {
        ValueText.value(value) + "\n"
    }

    /// The text bpftrace uses for a value inside other output (map values, printf `%s`).
    public static func text(of value: Value) -> String {
        ValueText.value(value)
    }

    /// The text bpftrace uses for a value when it is part of a map key.
    public static func keyText(of value: Value) -> String {
        ValueText.keyPart(value)
    }

    /// Current bpftrace's first line of output, once the probes are attached (bpftrace 0.17
    /// printed "Attaching N probes..." before attaching).
    public static func attachedProbes(_ count: Int) -> String {
        count == 1 ? "Attached 1 probe\n" : "Attached \(count) probes\n"
    }

    /// bpftrace's report of events lost by a full perf or ring buffer.
    public static func lostEvents(_ count: UInt64) -> String {
        "Lost \(count) events\n"
    }

    /// The rows of one histogram, as bpftrace draws them: a 16-column left-aligned range,
    /// an 8-column right-aligned count and a 52-column bar of `@`.
    ///
    /// The divisor divides the printed counts of `hist()` only (the bars stay relative to the
    /// undivided counts); bpftrace ignores it for `lhist()`.
    public static func histogram(_ histogram: Histogram, divisor: Int64 = 1) -> String {
        let layout = HistogramLayout(histogram)
        var text = ""
        for bucket in layout.buckets {
            let label: String
            var shown = bucket.count
            switch histogram.kind {
            case .log2:
                label = log2Label(bucket.index)
                shown = bucket.count / UInt64(divisor > 0 ? divisor : 1)
            case .linear(let min, let max, let step):
                label = linearLabel(bucket.index, min: min, max: max, step: step)
            }
            text +=
                padRight(label, 16) + padLeft(String(shown), 8) + " |"
                + padRight(bar(bucket.count, max: layout.maxCount), 52) + "|\n"
        }
        return text
    }

    /// A `tseries()` value's chart over `window`, the span of its whole map
    /// (`TimeSeries.window`).
    public static func timeSeries(
        _ series: TimeSeries, window: (first: UInt64, last: UInt64)?, utc: Bool = false
    ) -> String {
        TimeSeriesText.render(window.map { series.points(in: $0) } ?? [], signed: series.signed, utc: utc)
    }

    // MARK: - Pieces

    static func sortedByName(_ maps: [MapTable]) -> [MapTable] {
        maps.enumerated().sorted { a, b in
            let (x, y) = (Array(a.element.name.utf8), Array(b.element.name.utf8))
            if x != y { return x.lexicographicallyPrecedes(y) }
            return a.offset < b.offset
        }.map(\.element)
    }

    private static func cellText(_ cell: Cell, divisor: Int64) -> String {
        if let number = CellNumber.scaled(cell, divisor: divisor) { return number }
        switch cell {
        case .count, .sum, .min, .max, .avg: return ""
        case .stats(let total, let count):
            // Current bpftrace prints stats as a record; the count as a signed number too.
            return "{ .count = \(Int64(truncatingIfNeeded: count)), .average = "
                + "\(RowOrder.average(total: total, count: count)), .total = \(total) }"
        case .histogram(let h): return histogram(h, divisor: divisor)
        case .timeSeries(let series): return timeSeries(series, window: TimeSeries.window([series]))
        case .value(let v): return ValueText.value(v, divisor: divisor)
        }
    }

    /// bpftrace computes bar lengths in single precision; doing the same keeps the rare
    /// ratio that lands just below an integer (e.g. 51.999996) one `@` short, as bpftrace.
    static func bar(_ count: UInt64, max: UInt64) -> String {
        guard max > 0 else { return "" }
        let width = Float(count) / Float(max) * Float(52)
        let n = width.isFinite ? Int(Swift.max(0, Swift.min(width, 52))) : 0
        return String(repeating: "@", count: n)
    }

    static func log2Label(_ index: Int) -> String {
        switch index {
        case 0: return "(..., 0)"
        case 1: return "[0]"
        case 2: return "[1]"
        default: return "[" + powerLabel(index - 2) + ", " + powerLabel(index - 1) + ")"
        }
    }

    /// `2^power` with a K/M/G/T suffix for powers of 1024, as bpftrace's `hist_index_label`.
    static func powerLabel(_ power: Int) -> String {
        var p = power
        var suffix = ""
        if p >= 40 {
            suffix = "T"
            p -= 40
        } else if p >= 30 {
            suffix = "G"
            p -= 30
        } else if p >= 20 {
            suffix = "M"
            p -= 20
        } else if p >= 10 {
            suffix = "K"
            p -= 10
        }
        return String(Int64(1) << Int64(p)) + suffix
    }

    static func linearLabel(_ index: Int, min: Int64, max: Int64, step: Int64) -> String {
        let buckets = HistogramLayout.linearBucketCount(min: min, max: max, step: step)
        let i = Int64(index)
        if i == 0 { return "(..., " + linearNumber(min) + ")" }
        if i == buckets + 1 { return "[" + linearNumber(max) + ", ...)" }
        let low = (i &- 1) &* step &+ min
        let high = i &* step &+ min
        return "[" + linearNumber(low) + ", " + linearNumber(high) + ")"
    }

    /// A bucket bound, shortened to K or M when it is an exact multiple (bpftrace's
    /// `lhist_index_label`; there is no G here, unlike `hist()`).
    static func linearNumber(_ n: Int64) -> String {
        if n == 0 { return "0" }
        if n % 1_048_576 == 0 { return "\(n / 1_048_576)M" }
        if n % 1024 == 0 { return "\(n / 1024)K" }
        return String(n)
    }

    static func padRight(_ s: String, _ width: Int) -> String {
        let n = s.utf8.count
        return n >= width ? s : s + String(repeating: " ", count: width - n)
    }

    static func padLeft(_ s: String, _ width: Int) -> String {
        let n = s.utf8.count
        return n >= width ? s : String(repeating: " ", count: width - n) + s
    }
}
