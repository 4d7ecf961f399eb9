/// The unit of a map's values, as its name says it the way bpftrace programs name them
/// (`@usecs`, `@offcpu_us`, `@ns`, `@malloc_bytes`), so a summary can say "8.4 s" instead of a
/// bare 8388608.
public enum ValueUnit: String, Equatable, Sendable {
    case nanoseconds = "ns", microseconds = "µs", milliseconds = "ms", bytes = "bytes"

    /// From the name's last word: `usecs`/`us`, `nsecs`/`ns`, `msecs`/`ms`, `bytes`/`size`.
    public static func inferred(fromName name: String) -> ValueUnit? {
        let bare = name.hasPrefix("@") ? String(name.dropFirst()) : name
        let last = bare.split(separator: "_").last.map { String($0).lowercased() } ?? ""
        switch last {
        case "usecs", "us", "usec": return .microseconds
        case "nsecs", "ns", "nsec": return .nanoseconds
        case "msecs", "ms", "msec": return .milliseconds
        case "bytes", "size", "sizes", "len": return .bytes
        default: return nil
        }
    }

    /// A value in the largest unit that keeps it at 1 or more: 8388608 µs is "8.4 s".
    public func human(_ value: Int64) -> String {
        func scaled(_ v: Double, _ steps: [(Double, String)]) -> String {
            var chosen = steps[0]
            for step in steps where abs(v) >= step.0 { chosen = step }
            let x = v / chosen.0
            let tenths = Int64((x * 10).rounded())
            let text = tenths % 10 == 0 ? String(tenths / 10) : "\(tenths / 10).\(abs(tenths) % 10)"
            return text + " " + chosen.1
        }
        let v = Double(value)
        switch self {
        case .nanoseconds: return scaled(v, [(1, "ns"), (1e3, "µs"), (1e6, "ms"), (1e9, "s")])
        case .microseconds: return scaled(v, [(1, "µs"), (1e3, "ms"), (1e6, "s")])
        case .milliseconds: return scaled(v, [(1, "ms"), (1e3, "s")])
        case .bytes: return scaled(v, [(1, "bytes"), (1024, "KiB"), (1_048_576, "MiB"), (1_073_741_824, "GiB")])
        }
    }

    /// "4096 µs (4.1 ms)": the number as the histogram prints it, with its unit and size.
    public func describe(_ value: Int64) -> String {
        let plain = "\(value) \(rawValue)"
        let readable = human(value)
        return readable == plain ? plain : "\(plain) (\(readable))"
    }
}

/// The line under a histogram: the count and percentiles, with units when the map's name
/// gives them, and a word on outliers (a few values far above the rest), which a learner
/// otherwise reads as the typical case or cannot read at all.
public enum HistogramSummary {
    public static func line(_ histogram: Histogram, unit: ValueUnit?) -> String {
        let p = Percentiles.of(histogram)
        let parts = [("p50", p.p50), ("p90", p.p90), ("p99", p.p99), ("max", p.max)].compactMap { name, e in
            e.map { "\(name) \($0.isLowerBound ? ">= " : "< ")" + (unit?.describe($0.value) ?? String($0.value)) }
        }
        return "  \(p.count) values · " + parts.joined(separator: " · ")
    }

    /// Values in power-of-two buckets at least 8 times above the p99 bucket, said with their
    /// range and units; nil when there are none (or for linear histograms, whose range the
    /// program chose).
    public static func outliers(_ histogram: Histogram, unit: ValueUnit?) -> String? {
        guard case .log2 = histogram.kind, let p99 = Percentiles.of(histogram).p99 else { return nil }
        let far = histogram.buckets.filter { $0.key >= p99.bucket + 3 && $0.value > 0 }.sorted { $0.key < $1.key }
        guard let first = far.first, let last = far.last else { return nil }
        let count = far.reduce(UInt64(0)) { $0 + $1.value }
        let low = Percentiles.upperBound(first.key - 1, kind: histogram.kind).0
        let high = Percentiles.upperBound(last.key, kind: histogram.kind).0
        func text(_ v: Int64) -> String { unit.map { $0.human(v) } ?? String(v) }
        let p99Text = unit?.describe(p99.value) ?? String(p99.value)
        return "  outlier\(count == 1 ? "" : "s"): \(count) value\(count == 1 ? "" : "s") in [\(text(low)), "
            + "\(text(high))), at least 8× the p99 (< \(p99Text)): few and far from the rest, "
            + "which the percentiles do not describe"
    }
}
