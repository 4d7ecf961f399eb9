/// One key of a `tseries()` map as read: the value of each interval it holds, by interval
/// number (`time / intervalNanoseconds`, the time in wall-clock nanoseconds).
///
/// A map keeps only the last `intervals` intervals per key, and they are shown against the
/// map's newest interval: `window(_:)` finds it over all keys, as bpftrace does, so every key
/// of a map is drawn over the same span.
public struct TimeSeries: Hashable, Sendable {
    public var intervalNanoseconds: UInt64
    public var intervals: UInt64
    /// Values as 64-bit patterns, read as signed when `signed` is set.
    public var points: [UInt64: UInt64]
    public var signed: Bool

    public init(intervalNanoseconds: UInt64, intervals: UInt64, points: [UInt64: UInt64], signed: Bool) {
        self.intervalNanoseconds = intervalNanoseconds
        self.intervals = intervals
        self.points = points
        self.signed = signed
    }

    /// One interval of the span shown: its start in nanoseconds since the epoch, and its
    /// value, nil when nothing was recorded in it.
    public struct Point: Hashable, Sendable {
        public var nanoseconds: UInt64
        public var value: UInt64?
    }

    /// The first and last interval numbers a map shows: the newest interval of any key and
    /// the `intervals - 1` before it. Nil when no key has an interval. (The first wraps when
    /// a zeroed map's only interval is 0, which then shows nothing, as in bpftrace.)
    public static func window(_ series: [TimeSeries]) -> (first: UInt64, last: UInt64)? {
        guard let intervals = series.first?.intervals else { return nil }
        let last = series.compactMap { $0.points.keys.max() }.max() ?? 0
        return (last &- intervals &+ 1, last)
    }

    /// The intervals shown for this key within `window`: from this key's oldest interval in
    /// the window to the window's end, with the ones it has no value for left empty.
    public func points(in window: (first: UInt64, last: UInt64)) -> [Point] {
        guard window.first <= window.last else { return [] }
        guard let start = points.keys.filter({ $0 >= window.first }).min() else {
            return [Point(nanoseconds: window.last &* intervalNanoseconds, value: points[window.last])]
        }
        return (start...window.last).map { Point(nanoseconds: $0 &* intervalNanoseconds, value: points[$0]) }
    }

    /// The text of a value as bpftrace prints it.
    public func text(_ value: UInt64) -> String {
        signed ? String(Int64(bitPattern: value)) : String(value)
    }
}

extension MapTable {
    /// The `tseries()` values of the rows, for `TimeSeries.window`.
    public var timeSeries: [TimeSeries] {
        rows.compactMap { if case .timeSeries(let series) = $0.cell { return series } else { return nil } }
    }
}

extension TimeSeries {
    /// The value of the newest interval, which queries (`top`, `where`, joins) treat as the
    /// key's number; nil without intervals.
    public var latest: Int64? {
        guard let newest = points.keys.max(), let value = points[newest] else { return nil }
        return signed ? Int64(bitPattern: value) : Int64(clamping: value)
    }
}
