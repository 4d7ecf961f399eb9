/// What a chart of a series draws: the sample times in seconds and one line per key, the
/// keys with the highest peaks first. Both the terminal chart and the SVG line chart draw it.
public struct SeriesChart: Hashable, Sendable {
    public struct Line: Hashable, Sendable {
        public var label: String
        public var values: [Double]
    }
    public var title: String
    /// Seconds since the series' first sample, one per value.
    public var times: [Double]
    public var lines: [Line]
    /// Keys left out to keep the chart legible.
    public var omitted: Int

    /// The chart of `table`, or nil when it is not a series.
    public static func of(_ table: MapTable, maxLines: Int = 6) -> SeriesChart? {
        guard let info = table.series else { return nil }
        var lines = TableSeries.lines(table).map { line in
            Line(
                label: line.key.isEmpty ? info.source : line.key.map(ValueText.singleLine).joined(separator: ", "),
                values: line.cells.map(TableSeries.number))
        }
        let total = lines.count
        // Stable: equal peaks keep the order keys first appeared in.
        lines = lines.enumerated().sorted { a, b in
            let (x, y) = (a.element.values.max() ?? 0, b.element.values.max() ?? 0)
            return x != y ? x > y : a.offset < b.offset
        }.prefix(maxLines).map(\.element)
        return SeriesChart(
            title: title(table, info), times: info.valueTimes.map { Double($0) / 1000 }, lines: lines,
            omitted: total - lines.count)
    }

    static func title(_ table: MapTable, _ info: SeriesInfo) -> String {
        let what: String
        switch info.measure {
        case .cumulative: what = info.source
        case .delta: what = info.source + " change per sample"
        case .rate: what = info.source + " per second"
        }
        let name = table.name == info.source ? "" : table.name + ": "
        return name + what + ", every " + ChartNumber.seconds(info.interval)
    }

    /// The smallest and largest value drawn, the range always including zero.
    var range: (low: Double, high: Double) {
        let all = lines.flatMap(\.values)
        let low = min(0, all.min() ?? 0), high = max(0, all.max() ?? 0)
        return (low, high > low ? high : low + 1)
    }
}

/// Numbers on chart axes: short (1.5K, 2M), and seconds without needless decimals.
enum ChartNumber {
    static func short(_ value: Double) -> String {
        let magnitude = abs(value)
        let units: [(Double, String)] = [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "K")]
        for (scale, suffix) in units where magnitude >= scale {
            return FlameGraphSVG.fixedOne(value / scale) + suffix
        }
        return FlameGraphSVG.fixedOne(value)
    }

    static func seconds(_ value: Double) -> String {
        if value > 0 && value < 1 { return FlameGraphSVG.fixed(value * 1000) + "ms" }
        return FlameGraphSVG.fixed(value) + "s"
    }

    /// A tick step of 1, 2 or 5 times a power of ten giving about `count` ticks over `span`.
    static func step(span: Double, count: Int) -> Double {
        guard span > 0, count > 0 else { return 1 }
        let raw = span / Double(count)
        var power = 1.0
        while power * 10 <= raw { power *= 10 }
        while power > raw { power /= 10 }
        for factor in [1.0, 2, 5, 10] where power * factor >= raw { return power * factor }
        return power * 10
    }
}

extension FlameGraphSVG {
    /// One decimal at most, no exponent.
    static func fixedOne(_ value: Double) -> String {
        let tenths = Int64((value * 10).rounded())
        let sign = tenths < 0 ? "-" : ""
        let magnitude = tenths.magnitude
        return sign + String(magnitude / 10) + (magnitude % 10 == 0 ? "" : "." + String(magnitude % 10))
    }
}
