/// "Did you mean" candidates: the known names closest to a misspelt one.
public enum Suggestions {
    /// Up to `limit` names within a small edit distance of `name`, closest first.
    public static func closest(to name: String, in candidates: [String], limit: Int = 3) -> [String] {
        let allowed = max(1, min(3, name.count / 3))
        var scored: [(name: String, distance: Int)] = []
        for candidate in candidates {
            let d = distance(name, candidate, limit: allowed)
            if d <= allowed { scored.append((candidate, d)) }
        }
        scored.sort { a, b in a.distance != b.distance ? a.distance < b.distance : a.name < b.name }
        return scored.prefix(limit).map { $0.name }
    }

    /// Levenshtein distance, giving up (returning limit + 1) once it exceeds `limit`.
    public static func distance(_ a: String, _ b: String, limit: Int) -> Int {
        let x = Array(a.utf8), y = Array(b.utf8)
        if abs(x.count - y.count) > limit { return limit + 1 }
        var previous = Array(0...y.count)
        for i in 1...max(1, x.count) where !x.isEmpty {
            var current = [i] + Array(repeating: 0, count: y.count)
            var rowBest = i
            for j in 1...max(1, y.count) where !y.isEmpty {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                rowBest = min(rowBest, current[j])
            }
            if rowBest > limit { return limit + 1 }
            previous = current
        }
        return x.isEmpty ? y.count : previous[y.count]
    }
}
