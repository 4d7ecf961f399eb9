/// Which buckets of a histogram bpftrace prints, and the numbers each bucket stands for.
///
/// Shared by the text and JSON renderers so that both trim the same way: bpftrace prints
/// from the first to the last non-empty bucket, keeping empty buckets in between, and prints
/// nothing at all for a histogram whose buckets are all zero (after `zero(@h)`).
struct HistogramLayout {
    /// One printed bucket.
    struct Bucket {
        var index: Int
        var count: UInt64
    }

    /// Buckets to print, in index order.
    var buckets: [Bucket]
    /// The largest count over all buckets: bar lengths are relative to it.
    var maxCount: UInt64

    /// bpftrace's `hist()` has 65 buckets: negative, zero, one, then one per power of two.
    static let log2BucketCount = 65

    init(_ histogram: Histogram) {
        let last: Int
        switch histogram.kind {
        case .log2:
            last = Self.log2BucketCount - 1
        case .linear(let min, let max, let step):
            last = Int(clamping: Self.linearBucketCount(min: min, max: max, step: step)) + 1
        }
        var maxCount: UInt64 = 0
        var first = Int.max
        var lastNonEmpty = -1
        for (index, count) in histogram.buckets where index >= 0 && index <= last && count > 0 {
            maxCount = Swift.max(maxCount, count)
            first = Swift.min(first, index)
            lastNonEmpty = Swift.max(lastNonEmpty, index)
        }
        self.maxCount = maxCount
        if lastNonEmpty < 0 {
            buckets = []
        } else {
            buckets = (first...lastNonEmpty).map { Bucket(index: $0, count: histogram.buckets[$0] ?? 0) }
        }
    }

    /// Number of in-range buckets of `lhist(v, min, max, step)`, excluding the two open ones.
    ///
    /// A non-positive step cannot come from bpftrace (its checker rejects it); treat it as
    /// no in-range buckets rather than dividing by zero.
    static func linearBucketCount(min: Int64, max: Int64, step: Int64) -> Int64 {
        guard step > 0 else { return 0 }
        let span = max.subtractingReportingOverflow(min)
        if span.overflow || span.partialValue < 0 { return 0 }
        return Swift.min(span.partialValue / step, 1_000_000)
    }
}
