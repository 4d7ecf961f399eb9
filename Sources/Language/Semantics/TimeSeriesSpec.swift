/// The fixed parameters of a `tseries(n, interval, intervals [, agg])` map.
///
/// The map keeps `intervals` slots per key, slot `epoch % intervals` for the interval
/// `epoch = now / intervalNanoseconds`; each slot holds (value, meta, epoch) per CPU, as
/// bpftrace lays it out, so user space can tell a slot of an older epoch from the current one.
public struct TimeSeriesSpec: Hashable, Sendable, CustomStringConvertible {
    /// How values recorded in the same interval combine.
    public enum Reduction: String, Hashable, Sendable, CaseIterable {
        /// No aggregation argument: the last value recorded wins (meta holds its timestamp).
        case last
        /// Running average (meta counts the values).
        case avg
        case max
        case min
        case sum
    }

    public var intervalNanoseconds: UInt64
    public var intervals: UInt64
    public var reduction: Reduction

    /// Bytes of one slot: value, meta, epoch.
    public static let slotSize = 24
    /// bpftrace's limit on the number of intervals.
    public static let maxIntervals: UInt64 = 1_000_000

    public init(intervalNanoseconds: UInt64, intervals: UInt64, reduction: Reduction) {
        self.intervalNanoseconds = intervalNanoseconds
        self.intervals = intervals
        self.reduction = reduction
    }

    /// As the program could have written it: `100ms × 5, max`.
    public var description: String {
        var interval = "\(intervalNanoseconds)ns"
        for (suffix, size) in [("d", 86_400_000_000_000), ("h", 3_600_000_000_000), ("m", 60_000_000_000),
            ("s", 1_000_000_000), ("ms", 1_000_000), ("us", 1_000)] as [(String, UInt64)]
        where intervalNanoseconds % size == 0 {
            interval = "\(intervalNanoseconds / size)\(suffix)"
            break
        }
        return "\(interval) × \(intervals)" + (reduction == .last ? "" : ", \(reduction.rawValue)")
    }
}
