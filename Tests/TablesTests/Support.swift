import Tables

/// Builders for map snapshots in the shapes bpftrace's own one-liners produce, so each
/// golden test reads like the bpftrace program it was captured from.
enum Build {
    static func row(_ key: [Value], _ cell: Cell) -> MapTable.Row {
        MapTable.Row(key: key, cell: cell)
    }

    static func map(_ name: String, _ rows: [MapTable.Row]) -> MapTable {
        MapTable(name: name, rows: rows)
    }

    /// The `hist()` bucket a value lands in (index 0 negative, 1 zero, then powers of two).
    static func log2Index(_ value: Int64) -> Int {
        if value < 0 { return 0 }
        if value == 0 { return 1 }
        return 2 + (63 - value.leadingZeroBitCount)
    }

    /// `@x = hist(v)` for each of `values`.
    static func hist(_ values: [Int64]) -> Cell {
        var buckets: [Int: UInt64] = [:]
        for v in values { buckets[log2Index(v), default: 0] += 1 }
        return .histogram(Histogram(kind: .log2, buckets: buckets))
    }

    /// `@x = lhist(v, min, max, step)` for each of `values`, bucketed as bpftrace's code
    /// generator does (a value in the last, partial step lands in the `>= max` bucket).
    static func lhist(_ values: [Int64], min: Int64, max: Int64, step: Int64) -> Cell {
        let top = Int((max - min) / step) + 1
        var buckets: [Int: UInt64] = [:]
        for v in values {
            let index: Int
            if v < min {
                index = 0
            } else if v >= max {
                index = top
            } else {
                index = Swift.min(Int((v - min) / step) + 1, top)
            }
            buckets[index, default: 0] += 1
        }
        return .histogram(Histogram(kind: .linear(min: min, max: max, step: step), buckets: buckets))
    }

    static func emptyHist() -> Cell {
        .histogram(Histogram(kind: .log2, buckets: [:]))
    }
}
