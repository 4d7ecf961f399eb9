/// Links generated code to the session's maps.
public enum MapReferences {
    /// Replaces map ids in `ld_imm64` (src_reg = BPF_PSEUDO_MAP_FD, or BPF_PSEUDO_MAP_VALUE
    /// whose second slot holds an offset) with file descriptors.
    public static func patch(_ instructions: [UInt64], ids: [Int32: Int32]) throws -> [UInt64] {
        var result = instructions
        var index = 0
        while index < result.count {
            let word = result[index]
            let opcode = UInt8(word & 0xFF)
            let sourceRegister = UInt8((word >> 12) & 0xF)
            if opcode == 0x18 {  // BPF_LD | BPF_IMM | BPF_DW: two slots
                if sourceRegister == 1 || sourceRegister == 2 {
                    let id = Int32(truncatingIfNeeded: word >> 32)
                    guard let fd = ids[id] else {
                        throw MapReferenceError(id: id)
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

/// Generated code named a map the session does not have: an internal error.
public struct MapReferenceError: Error, CustomStringConvertible {
    public var id: Int32
    public var description: String { "internal error: the program references map id \(id), which was not created" }
}
