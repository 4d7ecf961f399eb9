import Codegen
import Kernel
import Language
import Tables

/// Reads a loaded map and turns it into a `MapTable` using the types the compiler inferred.
public struct MapReader {
    public let decoder: ValueDecoder

    public init(decoder: ValueDecoder) { self.decoder = decoder }

    public func table(_ info: MapInfo, map: LoadedMap) -> MapTable {
        let entries = map.entries()
        return table(info, entries: entries)
    }

    /// Builds the table from raw entries (key bytes, per-CPU value bytes). `zeroed` says a
    /// keyless aggregation was set to zero by `zero()`: its slot is then a value, 0, and not
    /// the slot of an aggregation never written.
    public func table(
        _ info: MapInfo, entries: [(key: [UInt8], values: [[UInt8]])], zeroed: Bool = false
    ) -> MapTable {
        let keyType = SType.tuple(info.keys)
        func decodeKey(_ bytes: [UInt8]) -> [Value] {
            guard !info.keys.isEmpty else { return [] }
            if case .tuple(let parts) = decoder.decode(keyType, bytes[...]) { return parts }
            return []
        }
        switch info.value {
        case .plain(let type):
            let rows = entries.map {
                MapTable.Row(key: decodeKey($0.key), cell: .value(decoder.decode(type, ($0.values.first ?? [])[...])))
            }
            return MapTable(name: "@" + info.name, rows: rows)
        case .aggregation(.tseries(let spec), let signed):
            return MapTable(name: "@" + info.name, rows: Self.timeSeriesRows(spec, entries, signed: signed, decodeKey))
        case .aggregation(let aggregation, let signed):
            if aggregation.addsBucketKey {
                var buckets: [[UInt8]: [Int: UInt64]] = [:]
                var order: [[UInt8]] = []
                for entry in entries {
                    let userKey = Array(entry.key.dropLast(8))
                    let bucket = Int(truncatingIfNeeded: word(entry.key, entry.key.count - 8))
                    let count = entry.values.reduce(UInt64(0)) { $0 &+ word($1, 0) }
                    if buckets[userKey] == nil { order.append(userKey) }
                    buckets[userKey, default: [:]][bucket, default: 0] += count
                }
                let kind: HistogramKind
                if case .lhist(let low, let high, let step) = aggregation {
                    kind = .linear(min: low, max: high, step: step)
                } else {
                    kind = .log2
                }
                let rows = order.map {
                    MapTable.Row(key: decodeKey($0), cell: .histogram(Histogram(kind: kind, buckets: buckets[$0]!)))
                }
                return MapTable(name: "@" + info.name, rows: rows)
            }
            var rows = entries.compactMap { entry in
                combine(aggregation, entry.values, signed: signed).map {
                    MapTable.Row(key: decodeKey(entry.key), cell: $0)
                }
            }
            // A keyless aggregation is an array whose slot always exists: a slot nothing was
            // folded into is shown as no row, as a map never written.
            if info.isArray && !zeroed { rows.removeAll { MapReader.isUntouched($0.cell) } }
            return MapTable(name: "@" + info.name, rows: rows)
        }
    }

    /// The value a map shows before anything is stored in it; nil for histograms, which have
    /// no buckets to show.
    public func zeroCell(_ info: MapInfo) -> Cell? {
        switch info.value {
        case .plain(let type):
            return .value(decoder.decode(type, [UInt8](repeating: 0, count: max(8, type.storageSize))[...]))
        case .aggregation(let aggregation, _):
            switch aggregation {
            case .count: return .count(0)
            case .sum: return .sum(0)
            case .min: return .min(0)
            case .max: return .max(0)
            case .avg: return .avg(total: 0, count: 0)
            case .stats: return .stats(total: 0, count: 0)
            case .hist, .lhist, .tseries: return nil
            }
        }
    }

    static func isUntouched(_ cell: Cell) -> Bool {
        switch cell {
        case .count(let n): return n == 0
        case .sum(let n): return n == 0
        case .avg(_, let count), .stats(_, let count): return count == 0
        default: return false
        }
    }

    /// Folds per-CPU slots into one cell; nil when no CPU holds a value (min/max track that).
    func combine(_ aggregation: Aggregation, _ values: [[UInt8]], signed: Bool) -> Cell? {
        switch aggregation {
        case .count: return .count(values.reduce(0) { $0 &+ word($1, 0) })
        case .sum: return .sum(values.reduce(0) { $0 &+ Int64(bitPattern: word($1, 0)) })
        case .avg, .stats:
            let total = values.reduce(Int64(0)) { $0 &+ Int64(bitPattern: word($1, 0)) }
            let count = values.reduce(UInt64(0)) { $0 &+ word($1, 8) }
            return aggregation == .avg ? .avg(total: total, count: count) : .stats(total: total, count: count)
        case .min, .max:
            let present = values.filter { word($0, 8) != 0 }.map { Int64(bitPattern: word($0, 0)) }
            if present.isEmpty { return nil }
            let pick: Int64
            if signed {
                pick = (aggregation == .min ? present.min() : present.max()) ?? 0
            } else {
                let unsigned = present.map { UInt64(bitPattern: $0) }
                pick = Int64(bitPattern: (aggregation == .min ? unsigned.min() : unsigned.max()) ?? 0)
            }
            return aggregation == .min ? .min(pick) : .max(pick)
        case .hist, .lhist, .tseries:
            return .count(0)
        }
    }
}

func word(_ bytes: [UInt8], _ offset: Int) -> UInt64 {
    var value: UInt64 = 0
    for i in 0..<8 where offset + i < bytes.count && offset + i >= 0 {
        value |= UInt64(bytes[offset + i]) << (8 * UInt64(i))
    }
    return value
}
