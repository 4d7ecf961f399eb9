import Language
import Tables

/// Reading a `tseries()` map (laid out by `UnitLowering.updateTimeSeries`): one entry per
/// key and slot, each CPU's copy of a slot holding (value, meta, epoch).
extension MapReader {
    static func timeSeriesRows(
        _ spec: TimeSeriesSpec, _ entries: [(key: [UInt8], values: [[UInt8]])], signed: Bool,
        _ decodeKey: ([UInt8]) -> [Value]
    ) -> [MapTable.Row] {
        var points: [[UInt8]: [UInt64: UInt64]] = [:]
        var order: [[UInt8]] = []
        for entry in entries {
            let userKey = Array(entry.key.dropLast(8))
            let (epoch, value) = reduce(entry.values, spec.reduction, signed: signed)
            if points[userKey] == nil {
                order.append(userKey)
                points[userKey] = [:]
            }
            // Slots never written (or zeroed) all read as interval 0; the first one stands.
            if points[userKey]![epoch] == nil { points[userKey]![epoch] = value }
        }
        return order.map {
            MapTable.Row(
                key: decodeKey($0),
                cell: .timeSeries(
                    TimeSeries(
                        intervalNanoseconds: spec.intervalNanoseconds, intervals: spec.intervals,
                        points: points[$0]!, signed: signed)))
        }
    }

    /// One slot's interval and value: the newest epoch any CPU holds, its CPUs' values
    /// combined as the reduction says; (0, 0) when no CPU wrote the slot, as bpftrace reads it.
    static func reduce(
        _ copies: [[UInt8]], _ reduction: TimeSeriesSpec.Reduction, signed: Bool
    ) -> (epoch: UInt64, value: UInt64) {
        var byEpoch: [UInt64: (value: UInt64, meta: UInt64)] = [:]
        func less(_ a: UInt64, _ b: UInt64) -> Bool { signed ? Int64(bitPattern: a) < Int64(bitPattern: b) : a < b }
        for copy in copies {
            let (value, meta, epoch) = (word(copy, 0), word(copy, 8), word(copy, 16))
            if epoch == 0 { continue }
            guard let current = byEpoch[epoch] else {
                byEpoch[epoch] = (value, meta)
                continue
            }
            switch reduction {
            case .last:
                // meta is when the value was recorded: the most recent one wins.
                if meta > current.meta { byEpoch[epoch] = (value, meta) }
            case .avg: byEpoch[epoch] = (current.value &+ value, current.meta &+ meta)
            case .sum: byEpoch[epoch] = (current.value &+ value, current.meta)
            case .min: if less(value, current.value) { byEpoch[epoch] = (value, current.meta) }
            case .max: if less(current.value, value) { byEpoch[epoch] = (value, current.meta) }
            }
        }
        guard let latest = byEpoch.keys.max(), let slot = byEpoch[latest] else { return (0, 0) }
        guard reduction == .avg, slot.meta != 0 else { return (latest, slot.value) }
        if signed {
            let quotient = Int64(bitPattern: slot.value).dividedReportingOverflow(by: Int64(bitPattern: slot.meta))
            return (latest, UInt64(bitPattern: quotient.partialValue))
        }
        return (latest, slot.value / slot.meta)
    }
}
