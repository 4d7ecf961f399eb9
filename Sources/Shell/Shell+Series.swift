import Foundation
import Tables

extension Shell {
    /// Reads `source` every `interval` seconds — at once, then on a fixed schedule that does not
    /// drift — until `duration` has passed (or Ctrl-C), keeping
    /// the series under `name` after every sample so an interrupted series keeps what it has.
    /// Probe output goes on appearing meanwhile. A late sample is taken at once, so the number
    /// of samples is always ⌊duration / interval⌋ + 1 unless interrupted.
    func sampleSeries(
        _ source: String, every interval: Double, for duration: Double, keepAs name: String?
    ) throws
        -> MapTable
    {
        let start = Date()
        var series = TableSeries.empty(
            name: name ?? source, source: source, start: start.timeIntervalSince1970, interval: interval)
        _ = ShellInterrupt.take()
        let interactive = reader.isInteractive
        var lastProgress = Date.distantPast
        var taken = 0
        sampling: while true {
            series = try TableSeries.appending(try tables.table(source), at: Date().timeIntervalSince1970, to: series)
            if let name { try tables.keep(series, as: name) }
            taken += 1
            let next = start.addingTimeInterval(Double(taken) * interval)
            if Double(taken) * interval > duration + 1e-9 { break }
            while Date() < next {
                if ShellInterrupt.take() || ShellInterrupt.terminationRequested {
                    statementInterrupted = true
                    break sampling
                }
                let left = next.timeIntervalSinceNow
                if !pumpEvents() { pump.wait(milliseconds: Int32(max(1, min(100, left * 1000)))) }
                if interactive && Date().timeIntervalSince(lastProgress) >= 0.1 {
                    lastProgress = Date()
                    let total = String(format: " / %.1fs", duration)
                    progress(
                        String(
                            format: "\r\u{1B}[Kseries %@: %d sample%@ · %.1fs", source, taken, taken == 1 ? "" : "s",
                            Date().timeIntervalSince(start)) + total)
                }
            }
        }
        if interactive { progress("\r\u{1B}[K") }
        return series
    }
}
