import Language

/// How the compiled-program cache's key spells a known map's layout: every field that can
/// change the code, written out by hand. String interpolation of these values went through
/// reflection (`Mirror`) for every map the session knew, at every compile (17% of a shell's
/// samples over 150 one-liners entered in one session); it also printed types by their
/// user-facing descriptions, which leave out an lhist's bounds and a stack's depth. The
/// switches are exhaustive so that a new case must say how it is keyed.
extension MapInfo {
    var cacheKeySpelling: String {
        var text = "map \(name) keys=(" + keys.map(\.cacheKeySpelling).joined(separator: ",") + ") value="
        switch value {
        case .aggregation(let aggregation, let signed):
            text += "aggregation(\(aggregation.cacheKeySpelling),signed=\(signed))"
        case .plain(let type):
            text += "plain(\(type.cacheKeySpelling))"
        }
        if let declaration {
            text += " declaration=\(declaration.kind.rawValue)(\(declaration.maxEntries))"
        } else {
            text += " declaration=-"
        }
        // A probe that inserts into a declared hash sends this format id when it is full.
        return text + " full-warning=\(fullWarning.map(String.init) ?? "-")"
    }
}

extension Aggregation {
    var cacheKeySpelling: String {
        switch self {
        case .count, .sum, .min, .max, .avg, .stats, .hist: return description
        case .lhist(let min, let max, let step): return "lhist(\(min),\(max),\(step))"
        case .tseries(let spec):
            return "tseries(\(spec.intervalNanoseconds),\(spec.intervals),\(spec.reduction.rawValue))"
        }
    }
}

extension SType {
    var cacheKeySpelling: String {
        switch self {
        case .void: return "void"
        case .int(let bytes, let signed): return "int(\(bytes),\(signed))"
        case .string(let size): return "string(\(size))"
        case .kstack(let limit, let mode): return "kstack(\(limit),\(mode.rawValue))"
        case .ustack(let limit, let mode): return "ustack(\(limit),\(mode.rawValue))"
        case .ksym: return "ksym"
        case .usym: return "usym"
        case .inet: return "inet"
        case .tuple(let elements): return "tuple(" + elements.map(\.cacheKeySpelling).joined(separator: ",") + ")"
        case .pointer(let pointee): return "pointer(\(pointee.utf8.count):\(pointee))"
        case .context: return "context"
        case .aggregation(let aggregation): return "aggregation(\(aggregation.cacheKeySpelling))"
        case .bool: return "bool"
        case .named(let kind): return "named(\(kind.rawValue))"
        case .buffer(let size): return "buffer(\(size))"
        case .timestamp(let format): return "timestamp(\(format.utf8.count):\(format))"
        case .enumeration(let type):
            let members = type.names.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.utf8.count):\($0.value)" }
            return "enum(\(type.name.utf8.count):\(type.name)," + members.joined(separator: ",") + ")"
        case .record(let names, let types):
            let fields = zip(names, types).map { "\($0.utf8.count):\($0)=\($1.cacheKeySpelling)" }
            return "record(" + fields.joined(separator: ",") + ")"
        case .array(let element, let count): return "array(\(element.cacheKeySpelling),\(count))"
        case .structure(let type):
            let fields = type.fields.map { field in
                let bits = field.bitfield.map { "\($0.bytes)/\($0.shift)/\($0.width)" } ?? "-"
                return "\(field.name.utf8.count):\(field.name)@\(field.offset)/\(bits)=\(field.type.cacheKeySpelling)"
            }
            return "struct(\(type.name.utf8.count):\(type.name),\(type.size)," + fields.joined(separator: ",") + ")"
        }
    }
}
