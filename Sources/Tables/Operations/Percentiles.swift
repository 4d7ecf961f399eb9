/// Percentile estimates from a histogram. A histogram only knows which bucket a value fell
/// in, so each estimate is a bucket bound:
/// - the estimate of the p-th percentile is the **exclusive upper bound** of the bucket that
///   holds the value of rank ⌈p·count⌉ (the true percentile is `< estimate`, and at least
///   the bucket's lower bound); for `hist()` the zero bucket's bound is 1 and the negative
///   bucket's is 0; the open-ended `>= max` bucket of `lhist()` has no upper bound, so its
///   estimate is `max` (the true value is `>= estimate` there, see `Estimate.isLowerBound`);
///   the last `hist()` bucket [2^62, 2^63) saturates at `Int64.max`;
/// - `max` is the same bound for the highest non-empty bucket.
/// All are nil for an empty histogram.
public struct Percentiles: Hashable, Sendable {
    public struct Estimate: Hashable, Sendable {
        /// The bucket's exclusive upper bound, or its lower bound when `isLowerBound`.
        public var value: Int64
        /// The bucket the percentile falls in.
        public var bucket: Int
        /// True for the open-ended last bucket of `lhist()`: the percentile is `>= value`.
        public var isLowerBound: Bool
    }

    public var count: UInt64
    public var p50: Estimate?
    public var p90: Estimate?
    public var p99: Estimate?
    public var max: Estimate?

    public static func of(_ histogram: Histogram) -> Percentiles {
        let sorted = histogram.buckets.filter { $0.value > 0 }.sorted { $0.key < $1.key }
        var total: UInt64 = 0
        for (_, c) in sorted { total = total.addingReportingOverflow(c).overflow ? UInt64.max : total + c }
        func estimate(_ index: Int) -> Estimate {
            let (value, lower) = upperBound(index, kind: histogram.kind)
            return Estimate(value: value, bucket: index, isLowerBound: lower)
        }
        func at(_ percent: UInt64) -> Estimate? {
            guard total > 0 else { return nil }
            // rank = ceil(total * percent / 100), at least 1, computed without overflow.
            let (hi, lo) = total.multipliedFullWidth(by: percent)
            let (q, r) = UInt64(100).dividingFullWidth((hi, lo))
            let rank = Swift.max(1, r > 0 ? q + 1 : q)
            var seen: UInt64 = 0
            for (index, c) in sorted {
                seen = seen.addingReportingOverflow(c).overflow ? UInt64.max : seen + c
                if seen >= rank { return estimate(index) }
            }
            return sorted.last.map { estimate($0.key) }
        }
        return Percentiles(
            count: total, p50: at(50), p90: at(90), p99: at(99),
            max: sorted.last.map { estimate($0.key) })
    }

    /// The exclusive upper bound of bucket `index`, or (value, true) for an open-ended bucket.
    public static func upperBound(_ index: Int, kind: HistogramKind) -> (Int64, Bool) {
        switch kind {
        case .log2:
            if index <= 0 { return (0, false) }
            if index == 1 { return (1, false) }
            let shift = index - 1
            return shift >= 63 ? (Int64.max, false) : (Int64(1) << shift, false)
        case .linear(let min, let max, let step):
            let top = Int(HistogramLayout.linearBucketCount(min: min, max: max, step: step)) + 1
            if index <= 0 { return (min, false) }
            if index >= top { return (max, true) }
            let bound = Int64(index).multipliedReportingOverflow(by: step)
            let sum = min.addingReportingOverflow(bound.partialValue)
            return (bound.overflow || sum.overflow) ? (Int64.max, false) : (sum.partialValue, false)
        }
    }
}
