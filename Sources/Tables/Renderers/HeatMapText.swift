/// A heat map in text: a row per bucket (highest on top), a column per interval, each cell a
/// shade from blank (none) through ░ ▒ ▓ to █ (the busiest cell). More intervals than
/// `width` are added together in `width` columns.
public enum HeatMapText {
    static let shades: [Character] = [" ", "░", "▒", "▓", "█"]

    public static func render(_ map: HeatMap, width: Int = 60) -> String {
        var text = map.title + "\n"
        guard !map.buckets.isEmpty else { return text + "  (no values in any interval)\n" }
        let columns = min(max(1, width), map.times.count)
        // Column c adds up the intervals [c·n/columns, (c+1)·n/columns).
        func range(_ c: Int) -> Range<Int> { (c * map.times.count / columns)..<((c + 1) * map.times.count / columns) }
        let grid = (0..<columns).map { c in
            map.buckets.indices.map { b in range(c).reduce(UInt64(0)) { $0 + map.counts[$1][b] } }
        }
        let darkest = grid.flatMap { $0 }.max() ?? 0
        // A few intervals are drawn wider, so they read as columns rather than a smear.
        let widen = max(1, min(3, width / columns))
        let drawn = columns * widen
        let labels = map.buckets.map(map.label)
        let labelWidth = labels.map(\.count).max() ?? 0
        for b in map.buckets.indices.reversed() {
            let cells = grid.map { column -> String in
                let count = column[b]
                guard count > 0, darkest > 0 else { return String(repeating: shades[0], count: widen) }
                let level = Int((map.shade(count, of: darkest) * Double(shades.count - 1)).rounded(.up))
                return String(repeating: shades[min(shades.count - 1, max(1, level))], count: widen)
            }
            text +=
                (BpftraceTextRenderer.padRight(labels[b], labelWidth) + " │" + cells.joined())
                .trailingSpacesRemoved + "\n"
        }
        text += String(repeating: " ", count: labelWidth + 1) + "└" + String(repeating: "─", count: drawn) + "\n"
        let starts = [0.0] + map.times.dropLast()
        text +=
            TerminalChart.timeAxis([starts.first ?? 0, map.times.last ?? 0], columns: drawn, indent: labelWidth + 2)
            + "\n"
        text +=
            String(repeating: " ", count: labelWidth + 2)
            + "█ = \(map.amount(darkest))" + (map.logScale ? " (log scale)" : "")
            + (columns < map.times.count ? " (\(map.times.count) intervals in \(columns) columns)" : "") + "\n"
        return text
    }
}
