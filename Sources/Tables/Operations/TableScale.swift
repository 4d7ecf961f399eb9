/// Dividing every value of a table: `normalize N` (DTrace's `normalize()`) and `rate`
/// (values per second over the table's `CaptureSpan`). Counts, sums, min, max, the totals of
/// avg/stats (so averages scale too) and integer values are divided; histogram buckets are
/// counts of values and stay as they are.
public enum TableScale {
    public static func normalize(_ table: MapTable, by divisor: Int64) -> MapTable {
        let d = Int128(max(1, divisor))
        return map(table) { $0 / d }
    }

    /// Values per second (rounded to the nearest integer); nil when the table does not say
    /// when its values started (a loaded file, a table read before the map had a start).
    public static func rate(_ table: MapTable) -> MapTable? {
        guard let seconds = table.capture?.seconds else { return nil }
        return map(table) { Int128((Double($0) / seconds).rounded()) }
    }

    static func map(_ table: MapTable, _ f: (Int128) -> Int128) -> MapTable {
        var result = table
        result.rows = table.rows.map { MapTable.Row(key: $0.key, cell: scale($0.cell, f)) }
        return result
    }

    static func scale(_ cell: Cell, _ f: (Int128) -> Int128) -> Cell {
        switch cell {
        case .count(let n): return .count(UInt64(clamping: f(Int128(n))))
        case .sum(let n): return .sum(Int64(clamping: f(Int128(n))))
        case .min(let n): return .min(Int64(clamping: f(Int128(n))))
        case .max(let n): return .max(Int64(clamping: f(Int128(n))))
        case .avg(let total, let count): return .avg(total: Int64(clamping: f(Int128(total))), count: count)
        case .stats(let total, let count): return .stats(total: Int64(clamping: f(Int128(total))), count: count)
        case .histogram: return cell
        case .timeSeries(var s):
            s.points = s.points.mapValues { v in
                s.signed
                    ? UInt64(bitPattern: Int64(clamping: f(Int128(Int64(bitPattern: v)))))
                    : UInt64(clamping: f(Int128(v)))
            }
            return .timeSeries(s)
        case .value(let v): return .value(scale(v, f))
        }
    }

    static func scale(_ value: Value, _ f: (Int128) -> Int128) -> Value {
        switch value {
        case .int(let n): return .int(Int64(clamping: f(Int128(n))))
        case .uint(let n): return .uint(UInt64(clamping: f(Int128(n))))
        case .tuple(let items): return .tuple(items.map { scale($0, f) })
        default: return value
        }
    }
}
