/// How much of a table's weight lies in the rows a condition picks: for a table keyed by
/// stacks this is the width a flame graph gives those stacks (a frame's tower is the share of
/// the samples whose stack holds it), so a check can say "the direct-I/O path is 40% of dd's
/// on-CPU samples" rather than "a file was written".
public enum ValueShare {
    public struct Result: Equatable, Sendable {
        public var matching: UInt64
        public var total: UInt64
        public var matchingRows: Int
        /// Percent of the total, 0 when the table weighs nothing.
        public var percent: Double { total == 0 ? 0 : Double(matching) * 100 / Double(total) }
    }

    /// Weights as a flame graph counts them: counts, positive sums, histogram and avg counts.
    public static func of(_ table: MapTable, where predicate: RowPredicate) -> Result {
        var result = Result(matching: 0, total: 0, matchingRows: 0)
        for row in table.rows {
            let weight = FoldedStacks.samples(of: row.cell)
            result.total &+= weight
            if predicate.matches(row) {
                result.matching &+= weight
                result.matchingRows += 1
            }
        }
        return result
    }
}
