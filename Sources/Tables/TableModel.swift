/// The value model shared by every renderer: a map snapshot decoded and symbolized.
///
/// Tables are pure values. The session reads a BPF map, decodes keys and values with the
/// types the compiler inferred, symbolizes stacks and addresses, and hands a `MapTable` to
/// a renderer. Nothing here touches the kernel.

/// One decoded scalar, key part or printf argument.
public indirect enum Value: Hashable, Sendable {
    case int(Int64)
    case uint(UInt64)
    case string(String)
    /// A symbolized stack, innermost frame first (as bpftrace prints it). An empty list
    /// stands for a stack that could not be read and prints as nothing, as in bpftrace.
    case stack([String])
    /// A symbolized address (`ksym`, `usym`) or any preformatted text printed as is.
    case symbol(String)
    case tuple([Value])
    /// An address, printed in hex as bpftrace prints pointers; an integer to printf.
    case pointer(UInt64)
    /// Raw bytes (`buf()`), printed with bytes outside printable ASCII as `\xNN`.
    case bytes([UInt8])
    /// A value of an enum: printed as its member's name when it has one, an integer to printf's
    /// `%d`.
    case enumValue(Int64, name: String?)
    /// A record: a tuple whose fields have names, printed `{ .a = 1, .b = x }`.
    case record(names: [String], values: [Value])
    /// An array of integers (`int x[4]`, `(int8[])"hi"`), printed `[1,2,3]` as bpftrace does.
    case array([Value])
    case none
}

/// How a histogram's bucket indexes map to value ranges.
public enum HistogramKind: Hashable, Sendable {
    /// bpftrace's `hist()`: index 0 holds negative values, 1 holds 0, and index i ≥ 2
    /// holds [2^(i-2), 2^(i-1)).
    case log2
    /// bpftrace's `lhist(v, min, max, step)`: index 0 holds v < min, index i ≥ 1 holds
    /// [min + (i-1)·step, min + i·step), and the last index holds v ≥ max.
    case linear(min: Int64, max: Int64, step: Int64)
}

public struct Histogram: Hashable, Sendable {
    public var kind: HistogramKind
    /// Bucket index (as encoded above) → number of values that fell into it.
    public var buckets: [Int: UInt64]
    public init(kind: HistogramKind, buckets: [Int: UInt64]) {
        self.kind = kind
        self.buckets = buckets
    }
}

/// The value stored for one key of a map.
public enum Cell: Hashable, Sendable {
    case count(UInt64)
    case sum(Int64)
    case min(Int64)
    case max(Int64)
    case avg(total: Int64, count: UInt64)
    case stats(total: Int64, count: UInt64)
    case histogram(Histogram)
    /// One key of a `tseries()` map: a value per interval.
    case timeSeries(TimeSeries)
    /// A plain assignment (`@x = expr`).
    case value(Value)
}

/// A snapshot of one map: its name (with the leading `@`) and its rows.
public struct MapTable: Hashable, Sendable {
    public struct Row: Hashable, Sendable {
        /// Empty for a map without keys (`@x = count()`); one element per key part otherwise.
        public var key: [Value]
        public var cell: Cell
        public init(key: [Value], cell: Cell) {
            self.key = key
            self.cell = cell
        }
    }
    public var name: String
    public var rows: [Row]
    /// Names of the value columns of a query result with several (`select`, `join`): each
    /// row's cell is then `.value(.tuple(...))` with one item per name. Empty for a map.
    public var valueNames: [String] = []
    /// The wall-clock time span the values cover, for `rate`; nil when unknown (a loaded file).
    public var capture: CaptureSpan?
    /// Names of the key columns when they are not the map's own `key`/`key1`...: a series
    /// puts `time_ms` first. Empty means the default names.
    public var keyNames: [String] = []
    /// Set when the table is a series of snapshots: key part 1 is the sample's time.
    public var series: SeriesInfo?
    public init(
        name: String, rows: [Row], valueNames: [String] = [], capture: CaptureSpan? = nil, keyNames: [String] = [],
        series: SeriesInfo? = nil
    ) {
        self.name = name
        self.rows = rows
        self.valueNames = valueNames
        self.capture = capture
        self.keyNames = keyNames
        self.series = series
    }
}

/// When a table's values were collected: from `start` (the map was created or cleared, or the
/// earlier snapshot of a `diff`) until `end` (the map was read), in seconds since the epoch.
public struct CaptureSpan: Hashable, Sendable {
    public var start: Double?
    public var end: Double
    public init(start: Double?, end: Double) {
        self.start = start
        self.end = end
    }

    /// How many seconds the values cover; nil without a start or for an empty span.
    public var seconds: Double? {
        guard let start, end > start else { return nil }
        return end - start
    }
}
