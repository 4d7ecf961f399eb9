/// What changed in a map between two snapshots (`snapshot @m as NAME`, then `diff NAME @m`).
///
/// The result is named like `after` and lists `after`'s keys in `after`'s order, then the
/// keys only `before` has. Per key, "after − before":
/// - count: `.count(a − b)`; if the count went down (the map was cleared in between) the
///   difference is negative and becomes `.sum(a − b)`;
/// - sum, min, max, integer values: the same kind holding a − b (wrapping);
///   unsigned values going down become `.value(.int(negative))`;
/// - avg, stats: total and count differences, i.e. the average over the interval; if the
///   count went down, `after` as is (the map was cleared);
/// - histograms of the same kind: per bucket a − b, saturating at 0;
/// - cells of different kinds, or non-numeric values: `after`'s cell.
/// A key only in `after` diffs against zero (its cell as is). A key only in `before` diffs
/// zero against it: counts and sums become negative `.sum`s, min/max/integers negated,
/// avg/stats and histograms become empty ones, other values `.value(.none)`.
public enum TableDiff {
    public static func diff(before: MapTable, after: MapTable) -> MapTable {
        var old: [[Value]: Cell] = [:]
        old.reserveCapacity(before.rows.count)
        for row in before.rows where old[row.key] == nil { old[row.key] = row.cell }
        var rows: [MapTable.Row] = []
        rows.reserveCapacity(after.rows.count)
        var seen = Set<[Value]>()
        for row in after.rows {
            seen.insert(row.key)
            let cell = old[row.key].map { difference(before: $0, after: row.cell) } ?? row.cell
            rows.append(MapTable.Row(key: row.key, cell: cell))
        }
        for row in before.rows where seen.insert(row.key).inserted {
            rows.append(MapTable.Row(key: row.key, cell: removed(row.cell)))
        }
        return MapTable(name: after.name, rows: rows)
    }

    /// True when nothing changed: the same keys, each with the same cell (rows in any order),
    /// so `diff` can say the tables are equal instead of listing every key with 0.
    public static func isUnchanged(before: MapTable, after: MapTable) -> Bool {
        guard before.rows.count == after.rows.count else { return false }
        var old: [[Value]: Cell] = [:]
        for row in before.rows { old[row.key] = row.cell }
        return old.count == after.rows.count && after.rows.allSatisfy { old[$0.key] == $0.cell }
    }

    /// Keys only in `after` (added) and only in `before` (removed), each in its table's order.
    public static func keyChanges(before: MapTable, after: MapTable) -> (added: [[Value]], removed: [[Value]]) {
        let a = Set(after.rows.map(\.key)), b = Set(before.rows.map(\.key))
        return (after.rows.map(\.key).filter { !b.contains($0) }, before.rows.map(\.key).filter { !a.contains($0) })
    }

    public static func difference(before: Cell, after: Cell) -> Cell {
        switch (before, after) {
        case let (.count(b), .count(a)):
            return a >= b ? .count(a - b) : .sum(Int64(truncatingIfNeeded: a &- b))
        case let (.sum(b), .sum(a)): return .sum(a &- b)
        case let (.min(b), .min(a)): return .min(a &- b)
        case let (.max(b), .max(a)): return .max(a &- b)
        case let (.avg(bt, bc), .avg(at, ac)):
            return ac >= bc ? .avg(total: at &- bt, count: ac - bc) : after
        case let (.stats(bt, bc), .stats(at, ac)):
            return ac >= bc ? .stats(total: at &- bt, count: ac - bc) : after
        case let (.histogram(b), .histogram(a)) where a.kind == b.kind:
            var buckets: [Int: UInt64] = [:]
            for (index, count) in a.buckets {
                let old = b.buckets[index] ?? 0
                buckets[index] = count >= old ? count - old : 0
            }
            return .histogram(Histogram(kind: a.kind, buckets: buckets))
        case let (.value(.int(b)), .value(.int(a))): return .value(.int(a &- b))
        case let (.value(.uint(b)), .value(.uint(a))):
            return a >= b ? .value(.uint(a - b)) : .value(.int(Int64(truncatingIfNeeded: a &- b)))
        default:
            return after
        }
    }

    static func removed(_ cell: Cell) -> Cell {
        switch cell {
        case .count(let n): return .sum(0 &- Int64(truncatingIfNeeded: n))
        case .sum(let n): return .sum(0 &- n)
        case .min(let n): return .min(0 &- n)
        case .max(let n): return .max(0 &- n)
        case .avg: return .avg(total: 0, count: 0)
        case .stats: return .stats(total: 0, count: 0)
        case .histogram(let h): return .histogram(Histogram(kind: h.kind, buckets: [:]))
        case .timeSeries(var s):
            s.points = [:]
            return .timeSeries(s)
        case .value(.int(let n)): return .value(.int(0 &- n))
        case .value(.uint(let n)): return .value(.int(0 &- Int64(truncatingIfNeeded: n)))
        case .value: return .value(.none)
        }
    }
}
