import Tables

/// Histograms as a shell event: for each, its label, its buckets with their bounds and its
/// percentiles, plus the text the terminal shows (bpftrace's bars). A notebook or a client
/// draws its own chart from the buckets.
public struct ShellHistograms: Equatable, Sendable {
    public struct Bucket: Equatable, Sendable {
        /// Inclusive lower bound; nil for the open bucket below the range (negative values,
        /// or below an `lhist`'s minimum).
        public var low: Int64?
        /// Exclusive upper bound; nil for the open bucket at or above an `lhist`'s maximum.
        public var high: Int64?
        public var count: UInt64
    }

    public struct Entry: Equatable, Sendable {
        public var label: String
        /// From the first to the last non-empty bucket, empty ones in between kept.
        public var buckets: [Bucket]
        public var percentiles: Percentiles
    }

    public var histograms: [Entry]
    public var text: String

    public init(_ histograms: [(label: String, histogram: Histogram)], text: String) {
        self.histograms = histograms.map { label, histogram in
            Entry(
                label: label, buckets: ShellHistograms.buckets(of: histogram),
                percentiles: Percentiles.of(histogram))
        }
        self.text = text
    }

    /// The histograms of a map's rows (one per key), labelled as `hist` labels them.
    public init(_ table: MapTable, text: String) {
        self.init(ShellHistograms.entries(of: table), text: text)
    }

    static func entries(of table: MapTable) -> [(label: String, histogram: Histogram)] {
        table.rows.compactMap { row in
            guard case .histogram(let h) = row.cell else { return nil }
            return (row.key.isEmpty ? table.name : TableJoin.cellText(.value(.tuple(row.key))), h)
        }
    }

    static func buckets(of histogram: Histogram) -> [Bucket] {
        let filled = histogram.buckets.filter { $0.value > 0 && $0.key >= 0 }.keys
        guard let first = filled.min(), let last = filled.max() else { return [] }
        return (first...last).map { index in
            let upper = Percentiles.upperBound(index, kind: histogram.kind)
            let low: Int64? = index == 0 ? nil : Percentiles.upperBound(index - 1, kind: histogram.kind).0
            return Bucket(low: low, high: upper.1 ? nil : upper.0, count: histogram.buckets[index] ?? 0)
        }
    }
}
