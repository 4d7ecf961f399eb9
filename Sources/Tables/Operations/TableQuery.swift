/// Sorting, `top` and filtering of a map table. All functions are pure and keep the table's
/// name, value columns and capture time; ties keep the input order (stable), so results are deterministic.
public enum TableQuery {
    /// The `n` largest rows by `column` (default `value`), largest first; with `ascending`,
    /// the `n` smallest, smallest first. O(rows · log n): a bounded selection, no full sort.
    public static func top(
        _ table: MapTable, n: Int, by column: TableColumn? = nil,
        ascending: Bool = false
    ) -> MapTable {
        let column = column ?? .value
        guard n > 0 else { return table.with(rows: []) }
        if n >= table.rows.count { return sort(table, by: column, ascending: ascending) }
        // `best` holds at most n (scalar, index) pairs, best first. `before(a, b)`: a ranks ahead.
        func before(_ a: (QueryScalar, Int), _ b: (QueryScalar, Int)) -> Bool {
            if a.0 != b.0 { return ascending ? a.0 < b.0 : b.0 < a.0 }
            return a.1 < b.1
        }
        var best: [(QueryScalar, Int)] = []
        best.reserveCapacity(n + 1)
        for (index, row) in table.rows.enumerated() {
            let item = (QueryScalar.of(row, column), index)
            if best.count == n, !before(item, best[n - 1]) { continue }
            var lo = 0, hi = best.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if before(best[mid], item) { lo = mid + 1 } else { hi = mid }
            }
            best.insert(item, at: lo)
            if best.count > n { best.removeLast() }
        }
        return table.with(rows: best.map { table.rows[$0.1] })
    }

    /// All rows ordered by `column` (default `value`); stable.
    public static func sort(
        _ table: MapTable, by column: TableColumn? = nil,
        ascending: Bool = true
    ) -> MapTable {
        let column = column ?? .value
        let keyed = table.rows.enumerated().map { (QueryScalar.of($0.element, column), $0.offset) }
        let sorted = keyed.sorted { a, b in
            if a.0 != b.0 { return ascending ? a.0 < b.0 : b.0 < a.0 }
            return a.1 < b.1
        }
        return table.with(rows: sorted.map { table.rows[$0.1] })
    }

    /// The rows for which `predicate` holds, in input order.
    public static func filter(_ table: MapTable, _ predicate: RowPredicate) -> MapTable {
        table.with(rows: table.rows.filter { predicate.matches($0) })
    }

    /// `where` with a predicate written as text (see `RowPredicate.parse`).
    public static func filter(_ table: MapTable, where text: String) -> Result<MapTable, PredicateError> {
        RowPredicate.parse(text).map { filter(table, $0) }
    }
}

extension MapTable {
    /// The same table (name, value columns, capture time) with other rows.
    public func with(rows: [Row]) -> MapTable {
        var table = self
        table.rows = rows
        return table
    }
}
