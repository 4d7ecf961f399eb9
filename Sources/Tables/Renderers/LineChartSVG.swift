/// A series as an SVG line chart: one coloured line per key over time, value and time axes
/// with round ticks, a legend on the right. Each line carries a tooltip with its key and its
/// peak; the file loads nothing.
public enum LineChartSVG {
    static let palette = [
        "rgb(31,119,180)", "rgb(214,39,40)", "rgb(44,160,44)", "rgb(255,127,14)", "rgb(148,103,189)",
        "rgb(140,86,75)",
    ]

    public static func render(_ chart: SeriesChart, width: Int = 900, height: Int = 420) -> String {
        let left = 70.0, right = 190.0, top = 40.0, bottom = 50.0
        let plotWidth = Double(width) - left - right, plotHeight = Double(height) - top - bottom
        let (low, high) = chart.range
        let first = chart.times.first ?? 0, last = chart.times.last ?? 0
        let span = last > first ? last - first : 1
        func x(_ t: Double) -> Double { left + (t - first) / span * plotWidth }
        func y(_ v: Double) -> Double { top + plotHeight - (v - low) / (high - low) * plotHeight }
        let f = FlameGraphSVG.fixed
        var svg = """
            <?xml version="1.0" encoding="UTF-8" standalone="no"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" \
            viewBox="0 0 \(width) \(height)" font-family="Verdana, sans-serif" font-size="12">
            <rect x="0" y="0" width="\(width)" height="\(height)" fill="white"/>
            <text x="\(f(left))" y="24" font-size="16">\(FlameGraphSVG.xml(chart.title))</text>

            """
        // Value ticks and grid.
        let valueStep = ChartNumber.step(span: high - low, count: 5)
        var tick = (low / valueStep).rounded(.up) * valueStep
        while tick <= high + valueStep / 1000 {
            svg += "<line x1=\"\(f(left))\" y1=\"\(f(y(tick)))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(y(tick)))\" "
            svg += "stroke=\"rgb(225,225,225)\"/>\n"
            svg += "<text x=\"\(f(left - 6))\" y=\"\(f(y(tick) + 4))\" text-anchor=\"end\">"
            svg += ChartNumber.short(tick) + "</text>\n"
            tick += valueStep
        }
        // Time ticks.
        let timeStep = ChartNumber.step(span: span, count: 8)
        var time = (first / timeStep).rounded(.up) * timeStep
        while time <= last + timeStep / 1000 {
            svg += "<line x1=\"\(f(x(time)))\" y1=\"\(f(top + plotHeight))\" x2=\"\(f(x(time)))\" "
            svg += "y2=\"\(f(top + plotHeight + 5))\" stroke=\"black\"/>\n"
            svg += "<text x=\"\(f(x(time)))\" y=\"\(f(top + plotHeight + 19))\" text-anchor=\"middle\">"
            svg += ChartNumber.seconds(time) + "</text>\n"
            time += timeStep
        }
        svg +=
            "<line x1=\"\(f(left))\" y1=\"\(f(top))\" x2=\"\(f(left))\" y2=\"\(f(top + plotHeight))\" "
            + "stroke=\"black\"/>\n"
        svg += "<line x1=\"\(f(left))\" y1=\"\(f(y(max(low, 0))))\" x2=\"\(f(left + plotWidth))\" "
        svg += "y2=\"\(f(y(max(low, 0))))\" stroke=\"black\"/>\n"
        svg += "<text x=\"\(f(left + plotWidth / 2))\" y=\"\(f(Double(height) - 10))\" text-anchor=\"middle\">"
        svg += "time since the first sample</text>\n"
        // Lines, the first drawn last so it is on top.
        for (index, line) in chart.lines.enumerated().reversed() {
            let colour = palette[index % palette.count]
            let points = zip(chart.times, line.values).map { "\(f(x($0))),\(f(y($1)))" }.joined(separator: " ")
            svg += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\" points=\"\(points)\">"
            svg += "<title>\(FlameGraphSVG.xml(line.label)): peak \(ChartNumber.short(line.values.max() ?? 0))</title>"
            svg += "</polyline>\n"
        }
        // Legend.
        for (index, line) in chart.lines.enumerated() {
            let ly = top + 10 + Double(index) * 20
            svg += "<rect x=\"\(f(left + plotWidth + 16))\" y=\"\(f(ly - 9))\" width=\"14\" height=\"4\" "
            svg += "fill=\"\(palette[index % palette.count])\"/>\n"
            svg +=
                "<text x=\"\(f(left + plotWidth + 36))\" y=\"\(f(ly))\">"
                + FlameGraphSVG.xml(clipped(line.label)) + "</text>\n"
        }
        if chart.omitted > 0 {
            let ly = top + 10 + Double(chart.lines.count) * 20
            svg += "<text x=\"\(f(left + plotWidth + 16))\" y=\"\(f(ly))\" fill=\"gray\">"
            svg += "\(chart.omitted) more not drawn</text>\n"
        }
        return svg + "</svg>\n"
    }

    /// Legend text short enough for its column.
    static func clipped(_ label: String) -> String {
        label.count <= 22 ? label : String(label.prefix(21)) + "…"
    }
}
