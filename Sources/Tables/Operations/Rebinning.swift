/// Re-bins a table of plain numbers into a bpftrace-style histogram, for maps that were
/// collected without `hist()`/`lhist()`:
/// - `.cellValues`: every row's cell is one sample (`@lat[tid] = nsecs - @start[tid]`, also
///   count/sum/min/max cells and the average of avg/stats);
/// - `.keyedCounts`: the row's single integer key is the sample and its count (or any
///   integer cell) is how many times it occurred (`@sizes[bytes] = count()`).
/// `.automatic` picks `.keyedCounts` when every row has one integer key and a `count()`
/// cell, `.cellValues` otherwise.
///
/// Buckets follow `HistogramKind`'s indexing exactly, as bpftrace's code generator does: a
/// `lhist` value in the last, partial step lands in the `>= max` bucket. Unsigned samples
/// above `Int64.max` are clamped to `Int64.max`. Rows with no usable number (strings,
/// histograms, a non-integer key, a negative weight) are skipped and counted.
public enum Rebinning {
    public enum Source: Hashable, Sendable {
        case automatic
        case cellValues
        case keyedCounts
    }

    public struct Result: Hashable, Sendable {
        public var histogram: Histogram
        /// The source actually used (resolves `.automatic`).
        public var source: Source
        /// Rows that contributed nothing.
        public var skippedRows: Int
    }

    public static func log2(_ table: MapTable, source: Source = .automatic) -> Result {
        rebin(table, into: .log2, source: source)
    }

    public static func linear(
        _ table: MapTable, min: Int64, max: Int64, step: Int64,
        source: Source = .automatic
    ) -> Result {
        rebin(table, into: .linear(min: min, max: max, step: step), source: source)
    }

    public static func rebin(_ table: MapTable, into kind: HistogramKind, source: Source = .automatic) -> Result {
        let resolved = source == .automatic ? detect(table) : source
        var buckets: [Int: UInt64] = [:]
        var skipped = 0
        for row in table.rows {
            let sample: Int64?
            let weight: UInt64?
            switch resolved {
            case .keyedCounts:
                sample = row.key.count == 1 ? integer(row.key[0]) : nil
                switch row.cell {
                case .count(let n): weight = n
                case .sum(let n), .value(.int(let n)): weight = n >= 0 ? UInt64(n) : nil
                case .value(.uint(let n)): weight = n
                default: weight = nil
                }
            default:
                weight = 1
                switch row.cell {
                case .count(let n): sample = Int64(clamping: n)
                case .sum(let n), .min(let n), .max(let n): sample = n
                case .avg(let t, let c), .stats(let t, let c): sample = RowOrder.average(total: t, count: c)
                case .value(let v): sample = integer(v)
                case .timeSeries(let s): sample = s.latest
                case .histogram: sample = nil
                }
            }
            guard let sample, let weight else {
                skipped += 1
                continue
            }
            buckets[bucketIndex(of: sample, kind: kind), default: 0] &+= weight
        }
        return Result(histogram: Histogram(kind: kind, buckets: buckets), source: resolved, skippedRows: skipped)
    }

    /// The bucket index `hist()`/`lhist()` would put `value` in.
    public static func bucketIndex(of value: Int64, kind: HistogramKind) -> Int {
        switch kind {
        case .log2:
            if value < 0 { return 0 }
            if value == 0 { return 1 }
            return 2 + (63 - value.leadingZeroBitCount)
        case .linear(let min, let max, let step):
            let top = Int(HistogramLayout.linearBucketCount(min: min, max: max, step: step)) + 1
            if value < min { return 0 }
            if value >= max || step <= 0 { return top }
            let offset = value.subtractingReportingOverflow(min)
            if offset.overflow { return top }
            return Swift.min(Int(offset.partialValue / step) + 1, top)
        }
    }

    private static func detect(_ table: MapTable) -> Source {
        guard !table.rows.isEmpty else { return .cellValues }
        for row in table.rows {
            guard row.key.count == 1, integer(row.key[0]) != nil, case .count = row.cell else { return .cellValues }
        }
        return .keyedCounts
    }

    private static func integer(_ value: Value) -> Int64? {
        switch value {
        case .int(let n): return n
        case .uint(let n): return Int64(clamping: n)
        case .tuple(let items) where items.count == 1: return integer(items[0])
        default: return nil
        }
    }
}
