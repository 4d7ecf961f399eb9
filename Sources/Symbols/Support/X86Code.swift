/// The two facts about x86-64 machine code that a frame-pointer unwinder needs to judge
/// its own output, read from the bytes of the mapped file.
///
/// A frame-pointer walk trusts `%rbp`: frame N+1 is the return address saved above the
/// frame that frame N's function set up. That holds only if the function pushes `%rbp` and
/// copies `%rsp` into it (distributions build most libraries, glibc included, without), and
/// each address it yields is a real return address, i.e. it follows a call instruction.
public enum X86Code {
    /// Whether a function's first bytes set up a frame pointer: `push %rbp; mov %rsp,%rbp`,
    /// after an optional `endbr64` (CET builds start every function with one).
    public static func setsUpFramePointer(prologue: [UInt8]) -> Bool {
        var bytes = prologue[...]
        if bytes.starts(with: [0xF3, 0x0F, 0x1E, 0xFA]) { bytes = bytes.dropFirst(4) }
        // `mov %rsp,%rbp` has two encodings (89 /r and 8b /r); compilers emit the first.
        return bytes.starts(with: [0x55, 0x48, 0x89, 0xE5]) || bytes.starts(with: [0x55, 0x48, 0x8B, 0xEC])
    }

    /// How many bytes before a return address the preceding instruction is read from.
    public static let callWindow = 7

    /// Whether the bytes just before an address end with a call instruction: a direct
    /// `call rel32` (E8) or an indirect `call r/m64` (FF /2) in any of its addressing forms.
    /// `before` holds the `callWindow` bytes that precede the address (fewer at the start of
    /// a segment).
    public static func endsWithCall(_ before: [UInt8]) -> Bool {
        let count = before.count
        if count >= 5 && before[count - 5] == 0xE8 { return true }
        guard count >= 2 else { return false }
        for length in 2...min(count, 7) {
            let opcode = before[count - length]
            guard opcode == 0xFF else { continue }
            let modrm = before[count - length + 1]
            guard (modrm >> 3) & 7 == 2 else { continue }
            if indirectCallLength(modrm: modrm, sib: length > 2 ? before[count - length + 2] : nil) == length {
                return true
            }
        }
        return false
    }

    /// The length of `FF /2` with this ModRM (and SIB) byte, prefixes excluded.
    static func indirectCallLength(modrm: UInt8, sib: UInt8?) -> Int? {
        let mod = modrm >> 6
        let rm = modrm & 7
        if mod == 3 { return 2 }
        let hasSIB = rm == 4
        if hasSIB && sib == nil { return nil }
        let sibBytes = hasSIB ? 1 : 0
        switch mod {
        case 0:
            if rm == 5 { return 6 }  // RIP-relative disp32
            if hasSIB, let sib, sib & 7 == 5 { return 7 }  // SIB with no base: disp32
            return 2 + sibBytes
        case 1: return 3 + sibBytes
        default: return 6 + sibBytes
        }
    }
}
