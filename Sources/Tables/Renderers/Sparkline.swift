/// A sparkline: one block character per value, its height the value's share of the largest
/// (from zero, so a flat line near the top and one near the bottom do not look alike).
/// Longer inputs are squeezed to `width` characters, each the largest of the values it covers,
/// so a short spike is never averaged away.
public enum Sparkline {
    static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    public static func render(_ values: [Double], width: Int = 40) -> String {
        let squeezed = squeeze(values, to: max(1, width))
        let top = squeezed.max() ?? 0
        return String(
            squeezed.map { value -> Character in
                guard top > 0, value > 0 else { return blocks[0] }
                let level = Int((value / top * Double(blocks.count - 1)).rounded())
                return blocks[min(blocks.count - 1, max(0, level))]
            })
    }

    static func squeeze(_ values: [Double], to width: Int) -> [Double] {
        guard values.count > width else { return values }
        return (0..<width).map { column in
            let from = column * values.count / width
            let to = max(from + 1, (column + 1) * values.count / width)
            return values[from..<to].max() ?? 0
        }
    }
}
