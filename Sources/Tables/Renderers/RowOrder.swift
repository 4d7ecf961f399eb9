/// The order in which bpftrace 0.17 prints a map's rows, and its `top` cut.
///
/// bpftrace sorts count/sum/min/max/integer maps by value, avg/stats maps by their average,
/// histograms by their total count, all ascending (so the biggest rows end up next to the
/// prompt); any other map (strings, tuples, stacks as values) is sorted by key. Keys compare
/// part by part: integers as unsigned 64-bit numbers (so `-1` sorts after every positive key,
/// as in bpftrace), strings bytewise; other key parts (stacks, symbols) do not order.
///
/// Ties: bpftrace keeps whatever order the kernel's hash iteration produced, which nobody can
/// reproduce; we break ties by key, then by input order, so output is deterministic.
enum RowOrder {
    /// A sortable number that keeps signedness, so `sum(-5)` sorts before `sum(3)` while a
    /// `count()` above `Int64.max` still sorts last.
    enum Number: Comparable {
        case signed(Int64)
        case unsigned(UInt64)

        static func < (a: Number, b: Number) -> Bool {
            switch (a, b) {
            case let (.signed(x), .signed(y)): return x < y
            case let (.unsigned(x), .unsigned(y)): return x < y
            case let (.signed(x), .unsigned(y)): return x < 0 || UInt64(x) < y
            case let (.unsigned(x), .signed(y)): return y >= 0 && x < UInt64(y)
            }
        }
    }

    /// Rows in print order with `options.top` applied (bpftrace ignores `top` for stats and
    /// tseries maps).
    static func rowsToPrint(_ map: MapTable, options: PrintOptions) -> [MapTable.Row] {
        let rows = sorted(map.rows)
        let ignoresTop: Bool
        switch map.rows.first?.cell {
        case .stats?, .timeSeries?: ignoresTop = true
        default: ignoresTop = false
        }
        guard options.top > 0, !ignoresTop, rows.count > options.top else { return rows }
        return Array(rows.suffix(options.top))
    }

    static func sorted(_ rows: [MapTable.Row]) -> [MapTable.Row] {
        let numbers = rows.map { sortNumber($0.cell) }
        let byValue = !numbers.contains { $0 == nil }
        let indexed = Array(rows.enumerated())
        return indexed.sorted { a, b in
            if byValue, let x = numbers[a.offset], let y = numbers[b.offset], x != y {
                return x < y
            }
            let keyOrder = compareKeys(a.element.key, b.element.key)
            if keyOrder != 0 { return keyOrder < 0 }
            return a.offset < b.offset
        }.map(\.element)
    }

    /// The value a row sorts by, or nil when bpftrace sorts such maps by key.
    static func sortNumber(_ cell: Cell) -> Number? {
        switch cell {
        case .count(let n): return .unsigned(n)
        case .sum(let n), .min(let n), .max(let n): return .signed(n)
        case .avg(let total, let count), .stats(let total, let count):
            return .signed(average(total: total, count: count))
        case .histogram(let h): return .unsigned(h.totalCount)
        case .timeSeries: return nil
        case .value(.int(let n)): return .signed(n)
        case .value(.uint(let n)): return .unsigned(n)
        case .value: return nil
        }
    }

    /// bpftrace's average: C integer division truncating toward zero, 0 for an empty count.
    static func average(total: Int64, count: UInt64) -> Int64 {
        let divisor = Int64(truncatingIfNeeded: count)
        if divisor == 0 { return 0 }
        return total.dividedReportingOverflow(by: divisor).partialValue
    }

    /// Negative, zero or positive, like `strcmp`.
    static func compareKeys(_ a: [Value], _ b: [Value]) -> Int {
        for (x, y) in zip(a, b) {
            let order = comparePart(x, y)
            if order != 0 { return order }
        }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }

    private static func comparePart(_ a: Value, _ b: Value) -> Int {
        if let x = unsignedBits(a), let y = unsignedBits(b) {
            return x == y ? 0 : (x < y ? -1 : 1)
        }
        if case .string(let x) = a, case .string(let y) = b {
            return compareBytes(x, y)
        }
        return 0
    }

    private static func unsignedBits(_ v: Value) -> UInt64? {
        switch v {
        case .int(let n): return UInt64(bitPattern: n)
        case .uint(let n): return n
        default: return nil
        }
    }

    private static func compareBytes(_ a: String, _ b: String) -> Int {
        for (x, y) in zip(a.utf8, b.utf8) where x != y {
            return x < y ? -1 : 1
        }
        let (m, n) = (a.utf8.count, b.utf8.count)
        return m == n ? 0 : (m < n ? -1 : 1)
    }
}

extension Histogram {
    /// Sum of all buckets; bpftrace orders a histogram map's keys by it.
    var totalCount: UInt64 {
        buckets.values.reduce(0, &+)
    }
}
