/// The number a count, sum, min, max or avg cell stands for, as every renderer prints it
/// (avg truncates like bpftrace), divided by a `print(@m, top, div)` divisor.
enum CellNumber {
    static func scaled(_ cell: Cell, divisor: Int64 = 1) -> String? {
        switch cell {
        case .count(let n): return String(n / UInt64(max(1, divisor)))
        case .sum(let n), .min(let n), .max(let n): return String(n.dividedReportingOverflow(by: divisor).partialValue)
        case .avg(let total, let count):
            return String(
                RowOrder.average(total: total, count: count).dividedReportingOverflow(by: divisor).partialValue)
        case .stats, .histogram, .timeSeries, .value: return nil
        }
    }
}
