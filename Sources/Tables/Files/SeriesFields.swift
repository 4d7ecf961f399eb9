/// How a series' description (`SeriesInfo`) travels in table files, so that a series saved and
/// loaded again is still a series (charts, `delta`, `rate`, heat maps work on it).
///
/// CSV: four columns after the cell columns, the same on every row: `series_source`,
/// `series_start` (seconds since the epoch), `series_interval` (seconds) and `series_measure`
/// (`cumulative`, `delta` or `rate`). The sample times are the `time_ms` key column; a sample
/// that had no rows is a row with only its time and an empty kind.
/// JSON: a top-level `"series"` object with `source`, `start_ms` (since the epoch),
/// `interval_ms`, `measure` and `times` (every sample's time in ms, also of empty samples).
enum SeriesFields {
    static let csvColumns = ["series_source", "series_start", "series_interval", "series_measure"]

    static func csvValues(_ info: SeriesInfo) -> [String] {
        [info.source, seconds(info.start), seconds(info.interval), info.measure.rawValue]
    }

    /// Seconds with millisecond precision, without a float's noise (`1764759600.125`).
    static func seconds(_ value: Double) -> String {
        let millis = Int64((value * 1000).rounded())
        let whole = millis / 1000
        let fraction = abs(millis % 1000)
        let sign = millis < 0 && whole == 0 ? "-" : ""
        if fraction == 0 { return sign + String(whole) }
        var digits = String(fraction)
        while digits.count < 3 { digits = "0" + digits }
        while digits.hasSuffix("0") { digits.removeLast() }
        return sign + String(whole) + "." + digits
    }

    enum Problem: Error {
        case badNumber(String)
        case badMeasure(String)
    }

    /// A series description from its file fields; `times` are put in order without repeats.
    static func info(source: String, start: String, interval: String, measure: String, times: [UInt64])
        throws(Problem) -> SeriesInfo
    {
        guard let startValue = Double(start), startValue.isFinite else { throw .badNumber(start) }
        guard let intervalValue = Double(interval), intervalValue.isFinite, intervalValue >= 0 else {
            throw .badNumber(interval)
        }
        guard let measureValue = SeriesInfo.Measure(rawValue: measure) else { throw .badMeasure(measure) }
        return SeriesInfo(
            source: source, start: startValue, interval: intervalValue, times: Array(Set(times)).sorted(),
            measure: measureValue)
    }

    /// The sample times with no row: written as rows of their own so that they survive.
    static func emptySampleTimes(of table: MapTable) -> [UInt64] {
        guard let info = table.series else { return [] }
        var seen = Set<UInt64>()
        for row in table.rows { if case .uint(let time)? = row.key.first { seen.insert(time) } }
        return info.times.filter { !seen.contains($0) }
    }
}
