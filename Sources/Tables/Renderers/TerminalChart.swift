/// A series as a line chart in text: one marker per key (`*`, `+`, `o`...), the value axis on
/// the left from zero (or the lowest value) to the highest, time along the bottom, a legend
/// below. Between two columns a line is drawn down or up through the rows in between, so a
/// jump reads as a jump.
public enum TerminalChart {
    static let markers: [Character] = ["*", "+", "o", "x", "#", "%"]

    public static func render(_ chart: SeriesChart, width: Int = 60, height: Int = 12) -> String {
        var text = chart.title + "\n"
        guard !chart.times.isEmpty, !chart.lines.isEmpty else {
            return text + "  (no samples with values yet)\n"
        }
        let columns = max(1, min(width, chart.times.count == 1 ? 1 : width))
        let rows = max(2, height)
        let (low, high) = chart.range
        func row(_ value: Double) -> Int {
            let fraction = (value - low) / (high - low)
            return rows - 1 - Int((fraction * Double(rows - 1)).rounded())
        }
        var grid = Array(repeating: Array(repeating: Character(" "), count: columns), count: rows)
        // The first line is drawn last, so it stays on top where lines cross.
        for (index, line) in chart.lines.enumerated().reversed() {
            let marker = markers[index % markers.count]
            let values = resample(line.values, times: chart.times, columns: columns)
            var previous: Int?
            for (column, value) in values.enumerated() {
                let r = row(value)
                let span = previous.map { p in p < r ? (p + 1)...r : r...max(r, p - 1) } ?? r...r
                for fill in span { grid[fill][column] = marker }
                previous = r
            }
        }
        let labels = [ChartNumber.short(high), ChartNumber.short((high + low) / 2), ChartNumber.short(low)]
        let labelWidth = labels.map(\.count).max() ?? 1
        for (index, cells) in grid.enumerated() {
            var label = ""
            if index == 0 {
                label = labels[0]
            } else if index == (rows - 1) / 2 && rows > 2 {
                label = labels[1]
            } else if index == rows - 1 {
                label = labels[2]
            }
            let tick = label.isEmpty ? "│" : "┤"
            let line = String(repeating: " ", count: labelWidth - label.count) + label + " " + tick + String(cells)
            text += line.trailingSpacesRemoved + "\n"
        }
        text += String(repeating: " ", count: labelWidth + 1) + "└" + String(repeating: "─", count: columns) + "\n"
        text += timeAxis(chart.times, columns: columns, indent: labelWidth + 2) + "\n"
        var legend = chart.lines.enumerated().map { "\(markers[$0.offset % markers.count]) \($0.element.label)" }
        if chart.omitted > 0 { legend.append("(\(chart.omitted) more key\(chart.omitted == 1 ? "" : "s") not drawn)") }
        text += String(repeating: " ", count: labelWidth + 2) + legend.joined(separator: "   ") + "\n"
        return text
    }

    /// The values at `columns` evenly spaced times: interpolated between samples when there
    /// are fewer samples than columns, the largest sample of each column when there are more.
    static func resample(_ values: [Double], times: [Double], columns: Int) -> [Double] {
        guard let first = times.first, let last = times.last, columns > 1, last > first else {
            return Array(repeating: values.max() ?? 0, count: columns)
        }
        let span = last - first
        func column(_ time: Double) -> Int { Int(((time - first) / span * Double(columns - 1)).rounded()) }
        var result = Array(repeating: Double.nan, count: columns)
        for (time, value) in zip(times, values) {
            let c = column(time)
            result[c] = result[c].isNaN ? value : max(result[c], value)
        }
        // Columns between samples: on the straight line between the samples either side.
        var known = -1
        for c in 0..<columns where !result[c].isNaN {
            if known >= 0 && c - known > 1 {
                for between in (known + 1)..<c {
                    let f = Double(between - known) / Double(c - known)
                    result[between] = result[known] + (result[c] - result[known]) * f
                }
            }
            known = c
        }
        return result.map { $0.isNaN ? 0 : $0 }
    }

    /// `0s` under the first column, the middle time under the middle, the last at the end.
    static func timeAxis(_ times: [Double], columns: Int, indent: Int) -> String {
        guard let first = times.first, let last = times.last else { return "" }
        var axis = Array(repeating: Character(" "), count: columns + 16)
        // Where the text placed so far ends: a label never runs into the one before it.
        var used = 0
        func place(_ text: String, at column: Int, alignRight: Bool = false) {
            let start = max(used == 0 ? 0 : used + 1, alignRight ? column - text.count + 1 : column)
            for (offset, c) in text.enumerated() where start + offset < axis.count { axis[start + offset] = c }
            used = start + text.count
        }
        place(ChartNumber.seconds(first), at: 0)
        if columns >= 24 { place(ChartNumber.seconds((first + last) / 2), at: columns / 2 - 1) }
        if columns > 1 { place(ChartNumber.seconds(last), at: columns - 1, alignRight: true) }
        return (String(repeating: " ", count: indent) + String(axis)).trailingSpacesRemoved
    }
}

extension String {
    var trailingSpacesRemoved: String {
        var s = Substring(self)
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
