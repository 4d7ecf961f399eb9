import Codegen
import Kernel

/// The kernel maps of a session, by name. Maps belong to the session, not to a program, so
/// probes compiled separately share them and a detached probe's data stays readable.
public final class MapSet {
    public private(set) var maps: [String: LoadedMap] = [:]

    public init() {}

    /// Returns the existing map with this name or creates it. An existing map whose layout
    /// differs is an error: the program would misread it.
    public func ensure(_ spec: MapSpec) throws -> LoadedMap {
        if let existing = maps[spec.name] {
            guard existing.keySize == spec.keySize, existing.valueSize == spec.valueSize, existing.type == spec.type.rawValue else {
                throw KernelError.system(operation: "reusing map \(spec.name) with a different layout", errno: 22)
            }
            return existing
        }
        let map = try LoadedMap(name: spec.name.replacingOccurrences(of: "@", with: "m_").replacingOccurrences(of: ".", with: "b_"),
                                type: spec.type.rawValue, keySize: spec.keySize, valueSize: spec.valueSize, maxEntries: spec.maxEntries)
        maps[spec.name] = map
        return map
    }

    public subscript(name: String) -> LoadedMap? { maps[name] }

    public func closeAll() {
        for map in maps.values { map.close() }
        maps = [:]
    }

    /// Replaces map ids in `ld_imm64` (src_reg = BPF_PSEUDO_MAP_FD) with file descriptors.
    public static func patch(_ instructions: [UInt64], ids: [Int32: Int32]) throws -> [UInt64] {
        var result = instructions
        var index = 0
        while index < result.count {
            let word = result[index]
            let opcode = UInt8(word & 0xFF)
            let sourceRegister = UInt8((word >> 12) & 0xF)
            if opcode == 0x18 { // BPF_LD | BPF_IMM | BPF_DW: two slots
                if sourceRegister == 1 {
                    let id = Int32(truncatingIfNeeded: word >> 32)
                    guard let fd = ids[id] else {
                        throw KernelError.system(operation: "linking map reference \(id)", errno: 2)
                    }
                    result[index] = (word & 0xFFFF_FFFF) | (UInt64(UInt32(bitPattern: fd)) << 32)
                }
                index += 2
            } else {
                index += 1
            }
        }
        return result
    }
}
