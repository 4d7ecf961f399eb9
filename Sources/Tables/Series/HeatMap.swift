#if canImport(Glibc)
    import Glibc
#endif

/// A latency heat map (Brendan Gregg's): time across, histogram buckets up, each cell the
/// number of values that fell in that bucket during that interval. Made from a series of a
/// histogram map: a series as sampled is differenced first (each interval's own values), and
/// the histograms of every key at a time are merged (choose keys with `where` first).
public struct HeatMap: Hashable, Sendable {
    public var title: String
    public var kind: HistogramKind
    /// The end of each interval, in seconds since the first sample.
    public var times: [Double]
    /// Bucket indexes drawn, lowest first: from the lowest to the highest bucket ever used.
    public var buckets: [Int]
    /// `counts[time][bucket position]`.
    public var counts: [[UInt64]]
    public var maxCount: UInt64
    /// What a count is: per interval, or per second for a `rate` series.
    public var perSecond: Bool
    /// Shade by the logarithm of the count, so a few slow values show beside millions of
    /// fast ones (`--log`); linear by default, as Gregg's heat maps are.
    public var logScale = false

    public enum HeatMapError: Error, Equatable, CustomStringConvertible {
        case notSeries(String)
        case noHistograms(String)
        case notEnoughSamples(String)
        public var description: String {
            switch self {
            case .notSeries(let name):
                return "a heat map needs samples over time, and \(name) is not a series: "
                    + "heatmap @MAP every 1s for 10s, or series @MAP every 1s as NAME first"
            case .noHistograms(let name):
                return "\(name) holds no histograms: a heat map is drawn from a hist() or lhist() map"
            case .notEnoughSamples(let name):
                return "\(name) has fewer than two samples: a heat map needs at least one interval"
            }
        }
    }

    public static func of(_ table: MapTable) -> Result<HeatMap, HeatMapError> {
        guard var info = table.series else { return .failure(.notSeries(table.name)) }
        var series = table
        if info.measure == .cumulative {
            guard info.times.count >= 2 else { return .failure(.notEnoughSamples(table.name)) }
            guard case .success(let changed) = SeriesChange.delta(table) else {
                return .failure(.notSeries(table.name))
            }
            series = changed
            info = changed.series ?? info
        }
        let times = info.valueTimes
        var position: [UInt64: Int] = [:]
        for (index, time) in times.enumerated() { position[time] = index }
        var kind: HistogramKind?
        var merged = Array(repeating: [Int: UInt64](), count: times.count)
        for row in series.rows {
            guard case .uint(let time)? = row.key.first, let index = position[time],
                case .histogram(let histogram) = row.cell
            else { continue }
            if kind == nil { kind = histogram.kind }
            guard histogram.kind == kind else { continue }
            for (bucket, count) in histogram.buckets where count > 0 { merged[index][bucket, default: 0] += count }
        }
        guard let kind else { return .failure(.noHistograms(table.name)) }
        let used = merged.flatMap(\.keys)
        let buckets = used.isEmpty ? [] : Array(used.min()!...used.max()!)
        let counts = merged.map { cells in buckets.map { cells[$0] ?? 0 } }
        let title =
            (table.name == info.source ? "" : table.name + ": ") + info.source + " heat map, every "
            + ChartNumber.seconds(info.interval)
        return .success(
            HeatMap(
                title: title, kind: kind, times: times.map { Double($0) / 1000 }, buckets: buckets, counts: counts,
                maxCount: counts.flatMap { $0 }.max() ?? 0, perSecond: info.measure == .rate))
    }

    /// The range a bucket stands for, as bpftrace labels it (`[256, 512)`).
    public func label(_ bucket: Int) -> String {
        switch kind {
        case .log2: return BpftraceTextRenderer.log2Label(bucket)
        case .linear(let min, let max, let step):
            return BpftraceTextRenderer.linearLabel(bucket, min: min, max: max, step: step)
        }
    }

    /// What the darkest cell counts: "values per interval" or "values per second".
    var unit: String { perSecond ? "values per second" : "values per interval" }

    /// How dark a cell of `count` is, from 0 (none) to 1 (`largest`).
    public func shade(_ count: UInt64, of largest: UInt64) -> Double {
        guard count > 0, largest > 0 else { return 0 }
        if logScale { return log1p(Double(count)) / log1p(Double(largest)) }
        return Double(count) / Double(largest)
    }

    /// `count` and its unit: "1 value per interval", "3 values per second".
    func amount(_ count: UInt64) -> String {
        "\(count) value\(count == 1 ? "" : "s") per " + (perSecond ? "second" : "interval")
    }
}
