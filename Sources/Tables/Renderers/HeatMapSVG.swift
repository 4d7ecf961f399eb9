/// A heat map as SVG, after Brendan Gregg's latency heat maps: time across, buckets up, white
/// where nothing fell and from pale yellow to dark red by count (linear in the busiest cell).
/// Every cell has a tooltip with its interval, bucket and count; a scale sits on the right.
public enum HeatMapSVG {
    public static func render(_ map: HeatMap, width: Int = 900) -> String {
        let left = 110.0, right = 120.0, top = 40.0, bottom = 50.0
        let rowHeight = max(8, min(24, 480 / Double(max(1, map.buckets.count))))
        let plotWidth = Double(width) - left - right, plotHeight = rowHeight * Double(map.buckets.count)
        let height = Int((top + plotHeight + bottom).rounded(.up))
        let cellWidth = plotWidth / Double(max(1, map.times.count))
        let f = FlameGraphSVG.fixed
        var svg = """
            <?xml version="1.0" encoding="UTF-8" standalone="no"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" \
            viewBox="0 0 \(width) \(height)" font-family="Verdana, sans-serif" font-size="11">
            <rect x="0" y="0" width="\(width)" height="\(height)" fill="white"/>
            <text x="\(f(left))" y="24" font-size="16">\(FlameGraphSVG.xml(map.title))</text>

            """
        let starts = [0.0] + map.times.dropLast()
        for (t, end) in map.times.enumerated() {
            for (b, bucket) in map.buckets.enumerated() {
                let count = map.counts[t][b]
                let x = left + Double(t) * cellWidth
                let y = top + plotHeight - Double(b + 1) * rowHeight
                svg += "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(cellWidth))\" height=\"\(f(rowHeight))\" "
                svg += "fill=\"\(colour(map.shade(count, of: map.maxCount)))\"><title>"
                svg += FlameGraphSVG.xml(
                    "\(ChartNumber.seconds(starts[t]))–\(ChartNumber.seconds(end)) \(map.label(bucket)): \(count)")
                svg += "</title></rect>\n"
            }
        }
        // Bucket labels, thinned so they never overlap.
        let every = max(1, Int((12 / rowHeight).rounded(.up)))
        for (b, bucket) in map.buckets.enumerated() where b % every == 0 {
            let y = top + plotHeight - Double(b) * rowHeight - rowHeight / 2 + 4
            svg += "<text x=\"\(f(left - 6))\" y=\"\(f(y))\" text-anchor=\"end\">"
            svg += FlameGraphSVG.xml(map.label(bucket)) + "</text>\n"
        }
        // Time ticks at interval boundaries, thinned.
        let timeStep = ChartNumber.step(span: max(map.times.last ?? 1, 0.001), count: 8)
        var time = 0.0
        let span = max(map.times.last ?? 1, 0.001)
        while time <= span + timeStep / 1000 {
            let x = left + time / span * plotWidth
            svg +=
                "<line x1=\"\(f(x))\" y1=\"\(f(top + plotHeight))\" x2=\"\(f(x))\" y2=\"\(f(top + plotHeight + 5))\" "
            svg += "stroke=\"black\"/>\n"
            svg += "<text x=\"\(f(x))\" y=\"\(f(top + plotHeight + 18))\" text-anchor=\"middle\">"
            svg += ChartNumber.seconds(time) + "</text>\n"
            time += timeStep
        }
        svg += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotWidth))\" height=\"\(f(plotHeight))\" "
        svg += "fill=\"none\" stroke=\"black\"/>\n"
        svg += "<text x=\"\(f(left + plotWidth / 2))\" y=\"\(f(Double(height) - 10))\" text-anchor=\"middle\">"
        svg += "time since the first sample</text>\n"
        // The scale.
        let scaleX = left + plotWidth + 20
        for step in 0..<10 {
            svg += "<rect x=\"\(f(scaleX))\" y=\"\(f(top + Double(step) * 14))\" width=\"16\" height=\"14\" "
            svg += "fill=\"\(colour(Double(10 - step) / 10))\"/>\n"
        }
        svg += "<text x=\"\(f(scaleX + 22))\" y=\"\(f(top + 10))\">\(map.maxCount)</text>\n"
        svg += "<text x=\"\(f(scaleX + 22))\" y=\"\(f(top + 136))\">\(min(1, map.maxCount))</text>\n"
        for (index, word) in (map.unit + (map.logScale ? ", log scale" : "")).split(separator: " ").enumerated() {
            svg += "<text x=\"\(f(scaleX))\" y=\"\(f(top + 160 + Double(index) * 14))\">\(word)</text>\n"
        }
        return svg + "</svg>\n"
    }

    /// White for none, then pale yellow (a shade near 0) to dark red (1, the busiest cell).
    static func colour(_ f: Double) -> String {
        guard f > 0 else { return "rgb(255,255,255)" }
        return FlameGraphSVG.rgb(255 - 55 * f, 235 - 205 * f, 170 - 170 * f)
    }
}
