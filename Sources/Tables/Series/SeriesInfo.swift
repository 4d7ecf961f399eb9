/// What makes a table a series: snapshots of one table taken over time (`series @m every 1s`),
/// kept as one table whose first key column, `time_ms`, is each sample's time in milliseconds
/// since the first sample.
public struct SeriesInfo: Hashable, Sendable {
    /// What each sample's values are.
    public enum Measure: String, Hashable, Sendable {
        /// The table as read: counts since the map began.
        case cumulative
        /// The change since the sample before (`delta`).
        case delta
        /// The change since the sample before, per second (`rate`).
        case rate
    }

    public static let timeColumn = "time_ms"

    /// The table sampled (`@calls`).
    public var source: String
    /// When the first sample was taken, in seconds since the epoch.
    public var start: Double
    /// The interval asked for, in seconds.
    public var interval: Double
    /// Every sample's time (ms since `start`), in order, also of samples that had no rows:
    /// an empty sample is a time when nothing was there, which a chart shows as zero.
    public var times: [UInt64]
    public var measure: Measure

    public init(source: String, start: Double, interval: Double, times: [UInt64] = [], measure: Measure = .cumulative) {
        self.source = source
        self.start = start
        self.interval = interval
        self.times = times
        self.measure = measure
    }

    /// The times that carry values: every sample, or every one after the first for a change
    /// (the first sample has nothing before it).
    public var valueTimes: [UInt64] { measure == .cumulative ? times : Array(times.dropFirst()) }
}
