/// `delta` and `rate` over a series: what changed between consecutive samples, as is or per
/// second. The first sample has nothing before it, so n samples give n − 1 changes. A key
/// absent before a sample counts from zero; a count or histogram that shrank was cleared in
/// between, so its change is what it counted since. min, max, avg and stats are not amounts
/// that add up: a change of an average is the average of the interval, and min and max
/// stay as they were read.
public enum SeriesChange {
    public enum ChangeError: Error, Equatable, CustomStringConvertible {
        case notSeries(stage: String, table: String)
        case alreadyChanged(stage: String, table: String, measure: SeriesInfo.Measure)

        public var description: String {
            switch self {
            case .notSeries(let stage, let table):
                return "\(stage) needs a series, and \(table) is not one: series @MAP every 1s as NAME takes one"
            case .alreadyChanged(let stage, let table, let measure):
                return "\(table) already holds changes (\(measure.rawValue)): \(stage) applies to a series as sampled"
            }
        }
    }

    public static func delta(_ table: MapTable) -> Result<MapTable, ChangeError> {
        guard let info = table.series else { return .failure(.notSeries(stage: "delta", table: table.name)) }
        guard info.measure == .cumulative else {
            return .failure(.alreadyChanged(stage: "delta", table: table.name, measure: info.measure))
        }
        return .success(changes(table, info, perSecond: false))
    }

    /// Per second: a series as sampled is differenced first; a `delta` is divided.
    public static func rate(_ table: MapTable) -> Result<MapTable, ChangeError> {
        guard let info = table.series else { return .failure(.notSeries(stage: "rate", table: table.name)) }
        switch info.measure {
        case .cumulative: return .success(changes(table, info, perSecond: true))
        case .rate: return .failure(.alreadyChanged(stage: "rate", table: table.name, measure: .rate))
        case .delta:
            var result = table
            result.series?.measure = .rate
            let seconds = intervals(info)
            result.rows = table.rows.compactMap { row in
                guard case .uint(let time)? = row.key.first, let dt = seconds[time], dt > 0 else { return nil }
                return MapTable.Row(key: row.key, cell: perSecond(row.cell, dt))
            }
            return .success(result)
        }
    }

    /// Each sample time after the first → seconds since the sample before.
    static func intervals(_ info: SeriesInfo) -> [UInt64: Double] {
        var result: [UInt64: Double] = [:]
        for (before, after) in zip(info.times, info.times.dropFirst()) {
            result[after] = Double(after &- before) / 1000
        }
        return result
    }

    static func changes(_ table: MapTable, _ info: SeriesInfo, perSecond divide: Bool) -> MapTable {
        // Rows by time, then keys in the order they first appear, as the series holds them.
        var order: [[Value]] = []
        var seen: Set<[Value]> = []
        var byTime: [UInt64: [[Value]: Cell]] = [:]
        for row in table.rows {
            guard case .uint(let time)? = row.key.first else { continue }
            let key = Array(row.key.dropFirst())
            if seen.insert(key).inserted { order.append(key) }
            byTime[time, default: [:]][key] = row.cell
        }
        var rows: [MapTable.Row] = []
        for (before, after) in zip(info.times, info.times.dropFirst()) {
            let dt = Double(after &- before) / 1000
            if divide && dt <= 0 { continue }
            let earlier = byTime[before] ?? [:], later = byTime[after] ?? [:]
            for key in order {
                guard let now = later[key] else { continue }
                var cell = earlier[key].map { difference(now, $0) } ?? now
                if divide { cell = perSecond(cell, dt) }
                rows.append(MapTable.Row(key: [.uint(after)] + key, cell: cell))
            }
        }
        var result = table.with(rows: rows)
        result.series?.measure = divide ? .rate : .delta
        return result
    }

    /// `now − before` for amounts; `now` where there is no meaningful difference.
    static func difference(_ now: Cell, _ before: Cell) -> Cell {
        switch (now, before) {
        case let (.count(a), .count(b)): return .count(a >= b ? a - b : a)
        case let (.sum(a), .sum(b)): return .sum(a &- b)
        case let (.avg(ta, ca), .avg(tb, cb)):
            return ca >= cb ? .avg(total: ta &- tb, count: ca - cb) : now
        case let (.stats(ta, ca), .stats(tb, cb)):
            return ca >= cb ? .stats(total: ta &- tb, count: ca - cb) : now
        case let (.histogram(a), .histogram(b)) where a.kind == b.kind:
            let cleared = b.buckets.contains { index, count in (a.buckets[index] ?? 0) < count }
            if cleared { return now }
            var buckets: [Int: UInt64] = [:]
            for (index, count) in a.buckets {
                let change = count - (b.buckets[index] ?? 0)
                if change > 0 { buckets[index] = change }
            }
            return .histogram(Histogram(kind: a.kind, buckets: buckets))
        case let (.value(.int(a)), .value(.int(b))): return .value(.int(a &- b))
        case let (.value(.uint(a)), .value(.uint(b))): return .value(.int(Int64(truncatingIfNeeded: a &- b)))
        default: return now
        }
    }

    /// An amount per second, rounded; averages, min and max are not amounts and stay.
    static func perSecond(_ cell: Cell, _ seconds: Double) -> Cell {
        func rated(_ n: Double) -> Double { (n / seconds).rounded() }
        switch cell {
        case .count(let n): return .count(UInt64(rated(Double(n))))
        case .sum(let n): return .sum(Int64(rated(Double(n))))
        case .histogram(var h):
            h.buckets = h.buckets.mapValues { UInt64(rated(Double($0))) }.filter { $0.value > 0 }
            return .histogram(h)
        case .value(.int(let n)): return .value(.int(Int64(rated(Double(n)))))
        case .value(.uint(let n)): return .value(.uint(UInt64(rated(Double(n)))))
        case .min, .max, .avg, .stats, .timeSeries, .value: return cell
        }
    }
}
