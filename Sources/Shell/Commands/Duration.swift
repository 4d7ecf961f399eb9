/// Parses durations as the shell's `wait 2s` and `watch ... every 500ms` write them.
public enum Duration {
    /// Seconds for `2s`, `500ms`, `1.5s`, `2m`, `100us`, or a bare number of seconds.
    public static func seconds(_ text: String) -> Double? {
        let units: [(String, Double)] = [("ms", 0.001), ("us", 0.000_001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            guard let value = Double(text.dropLast(suffix.count)), value >= 0, value.isFinite else { return nil }
            return value * scale
        }
        guard let value = Double(text), value >= 0, value.isFinite else { return nil }
        return value
    }
}

extension Duration {
    /// `1s`, `500ms`, `1.5s`: short, without needless decimals.
    public static func text(_ seconds: Double) -> String {
        if seconds > 0 && seconds < 1 { return trimmed(seconds * 1000) + "ms" }
        return trimmed(seconds) + "s"
    }

    private static func trimmed(_ value: Double) -> String {
        var text = String(format: "%.2f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
