/// Building a series: each snapshot's rows join the table under their sample's time.
public enum TableSeries {
    public enum SeriesError: Error, Equatable, CustomStringConvertible {
        case alreadySeries(String)
        public var description: String {
            switch self {
            case .alreadySeries(let name):
                return "\(name) is already a series: take a series of a map or a kept table"
            }
        }
    }

    /// An empty series of `source` named `name`, its time 0 at `start` (seconds since the epoch).
    public static func empty(name: String, source: String, start: Double, interval: Double) -> MapTable {
        MapTable(
            name: name, rows: [], keyNames: [SeriesInfo.timeColumn],
            series: SeriesInfo(source: source, start: start, interval: interval))
    }

    /// `series` with `snapshot` added as the sample taken at `time` (seconds since the epoch).
    public static func appending(_ snapshot: MapTable, at time: Double, to series: MapTable) throws -> MapTable {
        guard snapshot.series == nil else { throw SeriesError.alreadySeries(snapshot.name) }
        guard var info = series.series else { return series }
        let ms = UInt64(max(0, ((time - info.start) * 1000).rounded()))
        var result = series
        info.times.append(ms)
        result.series = info
        result.rows += snapshot.rows.map { MapTable.Row(key: [.uint(ms)] + $0.key, cell: $0.cell) }
        // The map's own key names after the time; a loaded table with named keys keeps them.
        let width = max(result.keyNames.count - 1, snapshot.rows.map(\.key.count).max() ?? 0)
        let names = snapshot.keyNames.isEmpty ? TableColumn.defaultKeyNames(width: width) : snapshot.keyNames
        result.keyNames = [SeriesInfo.timeColumn] + names
        result.capture = CaptureSpan(start: info.start, end: info.start + Double(ms) / 1000)
        return result
    }

    /// `series` with only its last `samples` samples: a series sampled for a long time keeps
    /// a window rather than growing without end.
    public static func keepingLast(_ samples: Int, of series: MapTable) -> MapTable {
        guard var info = series.series, info.times.count > samples, samples > 0 else { return series }
        let first = info.times[info.times.count - samples]
        info.times.removeFirst(info.times.count - samples)
        var result = series.with(
            rows: series.rows.filter { row in
                if case .uint(let time)? = row.key.first { return time >= first }
                return false
            })
        result.series = info
        return result
    }

    /// The rows of one key over the series' value times: the key without its time, and the
    /// cell at each time (nil where the key had no row), in the order keys first appear.
    public static func lines(_ table: MapTable) -> [(key: [Value], cells: [Cell?])] {
        guard let info = table.series else { return [] }
        let times = info.valueTimes
        var position: [UInt64: Int] = [:]
        for (index, time) in times.enumerated() { position[time] = index }
        var order: [[Value]] = []
        var cells: [[Value]: [Cell?]] = [:]
        for row in table.rows {
            guard case .uint(let time)? = row.key.first, let index = position[time] else { continue }
            let key = Array(row.key.dropFirst())
            if cells[key] == nil {
                order.append(key)
                cells[key] = Array(repeating: nil, count: times.count)
            }
            cells[key]![index] = row.cell
        }
        return order.map { ($0, cells[$0]!) }
    }

    /// The number a cell plots as: counts, sums, averages, a histogram's total, an integer;
    /// of a `select` with several value columns, the first.
    public static func number(_ cell: Cell?) -> Double {
        guard let cell else { return 0 }
        switch QueryScalar(cell) {
        case .number(let n): return Double(n)
        case .list(let items):
            for case .number(let n) in items { return Double(n) }
            return 0
        default: return 0
        }
    }
}
