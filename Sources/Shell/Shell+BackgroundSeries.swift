import Foundation
import Tables

/// A series sampled in the background (`series @m every 1s as NAME`, no `for`): a sample is
/// taken whenever one is due, between keystrokes, commands, waits and monitor frames, so the
/// person goes on working while it grows (`watch top NAME` shows the trends live).
struct BackgroundSeries {
    var name: String
    var source: String
    var interval: Double
    /// When the first sample was taken (monotonic seconds).
    var start: Double
    var taken: Int
    /// A series kept for hours holds its last samples only.
    static let keptSamples = 3600
}

extension Shell {
    /// Starts sampling `source` into `name` in the background, replacing a series of that name.
    func startBackgroundSeries(_ source: String, every interval: Double, as name: String) throws -> MapTable {
        backgroundSeries.removeAll { $0.name == name }
        var series = TableSeries.empty(
            name: name, source: source, start: Date().timeIntervalSince1970, interval: interval)
        series = try TableSeries.appending(try tables.table(source), at: Date().timeIntervalSince1970, to: series)
        try tables.keep(series, as: name)
        backgroundSeries.append(
            BackgroundSeries(
                name: name, source: source, interval: interval, start: ProcessInfo.processInfo.systemUptime, taken: 1))
        return series
    }

    /// Seconds until the next background sample is due (nil when none runs), so a wait wakes
    /// up for it.
    var nextBackgroundSample: Double? {
        let now = ProcessInfo.processInfo.systemUptime
        return backgroundSeries.map { max(0, $0.start + Double($0.taken) * $0.interval - now) }.min()
    }

    /// Takes the samples that are due; a series whose map is gone, or whose name now holds
    /// another table, stops with a notice.
    func sampleBackgroundSeries() {
        guard !backgroundSeries.isEmpty else { return }
        let now = ProcessInfo.processInfo.systemUptime
        for index in backgroundSeries.indices.reversed() {
            var item = backgroundSeries[index]
            guard now >= item.start + Double(item.taken) * item.interval else { continue }
            do {
                guard var series = tables.saved[item.name], series.series?.source == item.source else {
                    throw CommandError("\(item.name) now holds another table")
                }
                series = try TableSeries.appending(
                    try tables.table(item.source), at: Date().timeIntervalSince1970, to: series)
                try tables.keep(TableSeries.keepingLast(BackgroundSeries.keptSamples, of: series), as: item.name)
                // Intervals missed while the shell was busy are skipped, not made up in a burst.
                item.taken = Int(((now - item.start) / item.interval).rounded(.down)) + 1
                backgroundSeries[index] = item
            } catch {
                backgroundSeries.remove(at: index)
                notice("series \(item.name) stopped: \(error)\n")
            }
        }
    }
}
