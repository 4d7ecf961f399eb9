#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A `tseries()` value drawn as bpftrace draws it: one line per interval, its start time
/// (local time, with the fraction of a second the interval needs), a 53-column track with `*`
/// at the value between the smallest and largest value shown, `.` at zero when zero lies
/// inside, and the value; `-` for an interval with nothing recorded.
///
/// Positions are computed in single precision and truncated, as bpftrace computes them, so
/// points land in the same column. Widths count bytes, as C++'s `setw` does (the `μs` unit
/// is one column narrower on screen than the padding assumes, in bpftrace too).
public enum TimeSeriesText {
    static let width = 53
    static let padding = 21

    /// The chart for the intervals `points` (see `TimeSeries.points(in:)`); ends with a
    /// newline, except `<no data>` for no intervals at all.
    public static func render(_ points: [TimeSeries.Point], signed: Bool, utc: Bool = false) -> String {
        guard let front = points.first, let back = points.last else { return "<no data>" }
        let values = points.compactMap(\.value)
        func less(_ a: UInt64, _ b: UInt64) -> Bool { signed ? Int64(bitPattern: a) < Int64(bitPattern: b) : a < b }
        func text(_ v: UInt64) -> String { signed ? String(Int64(bitPattern: v)) : String(v) }
        // a - b, as bpftrace's `distance`.
        func distance(_ a: UInt64, _ b: UInt64) -> Int64 {
            if signed { return Int64(bitPattern: a) &- Int64(bitPattern: b) }
            return a >= b ? Int64(truncatingIfNeeded: a - b) : -Int64(truncatingIfNeeded: b - a)
        }
        var low = values.first ?? 0
        var high = low
        for v in values {
            if less(v, low) { low = v }
            if less(high, v) { high = v }
        }
        if low == high {
            // Room on both sides of a flat line, unless that would overflow.
            if signed {
                if Int64(bitPattern: low) > Int64.min { low = UInt64(bitPattern: Int64(bitPattern: low) - 1) }
                if Int64(bitPattern: high) < Int64.max { high = UInt64(bitPattern: Int64(bitPattern: high) + 1) }
            } else {
                if low > 0 { low -= 1 }
                if high < UInt64.max { high += 1 }
            }
        }

        let span = (back.nanoseconds &- front.nanoseconds) / UInt64(points.count > 1 ? points.count - 1 : 1)
        let unit = Unit(interval: span)
        var timeFormat = "hh:mm:ss"
        var timeSize = 8
        if unit != .s {
            timeFormat += "." + unit.name
            timeSize += 1 + unit.digits
        }

        let bounds =
            String(repeating: " ", count: timeSize + 1) + padRight(text(low), padding)
            + padLeft(text(high), width - padding) + "\n"
        var out = bounds
        out += padRight(timeFormat, timeSize + 1) + "|" + String(repeating: "_", count: width - 2) + "|\n"

        var zeroColumn = 0
        if distance(low, 0) < 0 && distance(0, high) < 0 {
            // As the value column: a span wider than Int64 wraps `distance`, so clamp.
            let position = Float(width) * Float(distance(low, 0)) / Float(distance(low, high))
            zeroColumn = position.isFinite ? Int(max(0, min(Float(width - 1), position))) : 0
        }
        for point in points {
            var line = [Character](repeating: " ", count: width)
            line[0] = "|"
            line[width - 1] = "|"
            if zeroColumn > 0 && zeroColumn < width - 1 { line[zeroColumn] = "." }
            out += timestamp(point.nanoseconds, unit: unit, utc: utc) + " "
            if let v = point.value {
                var column = width / 2
                if low != high {
                    let position = Float(width - 1) * Float(distance(low, v)) / Float(distance(low, high))
                    column = position.isFinite ? Int(max(-1, min(Float(width), position))) : 0
                }
                line[max(0, min(width - 1, column))] = "*"
                out += String(line) + " " + text(v) + "\n"
            } else {
                out += String(line) + " -\n"
            }
        }
        out += String(repeating: " ", count: timeSize) + " v" + String(repeating: "_", count: width - 2) + "v\n"
        out += String(repeating: " ", count: timeSize) + " " + padRight(text(low), padding)
            + padLeft(text(high), width - padding) + "\n"
        return out
    }

    /// bpftrace's display unit for an interval: the largest of s, ms, μs, ns it spans.
    enum Unit: Equatable {
        case s, ms, us, ns

        init(interval: UInt64) {
            switch interval {
            case 1_000_000_000...: self = .s
            case 1_000_000...: self = .ms
            case 1_000...: self = .us
            default: self = .ns
            }
        }

        var name: String {
            switch self {
            case .s: return "s"
            case .ms: return "ms"
            case .us: return "μs"
            case .ns: return "ns"
            }
        }

        /// Digits of the fraction of a second shown.
        var digits: Int {
            switch self {
            case .s: return 0
            case .ms: return 3
            case .us: return 6
            case .ns: return 9
            }
        }
    }

    /// `HH:MM:SS` and the fraction `unit` shows, of a wall-clock time in nanoseconds.
    static func timestamp(_ nanoseconds: UInt64, unit: Unit, utc: Bool) -> String {
        var seconds = time_t(nanoseconds / 1_000_000_000)
        let fraction = nanoseconds % 1_000_000_000
        var parts = tm()
        if utc { gmtime_r(&seconds, &parts) } else { localtime_r(&seconds, &parts) }
        var text = two(parts.tm_hour) + ":" + two(parts.tm_min) + ":" + two(parts.tm_sec)
        if unit.digits > 0 {
            var scale: UInt64 = 1
            for _ in 0..<(9 - unit.digits) { scale *= 10 }
            let digits = String(fraction / scale)
            text += "." + String(repeating: "0", count: unit.digits - digits.count) + digits
        }
        return text
    }

    /// `1970-01-01 00:00:00.500000000`: C++'s text of a system-clock time (UTC).
    static func utcDateTime(_ nanoseconds: UInt64) -> String {
        var seconds = time_t(nanoseconds / 1_000_000_000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let fraction = String(nanoseconds % 1_000_000_000)
        return "\(parts.tm_year + 1900)-" + two(parts.tm_mon + 1) + "-" + two(parts.tm_mday) + " "
            + two(parts.tm_hour) + ":" + two(parts.tm_min) + ":" + two(parts.tm_sec) + "."
            + String(repeating: "0", count: 9 - fraction.count) + fraction
    }

    private static func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }

    /// Pads to `width` bytes, as `std::setw` counts.
    private static func padRight(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.utf8.count))
    }

    private static func padLeft(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.utf8.count)) + text
    }
}
