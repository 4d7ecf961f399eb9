/// The dynamic linker's library cache, /etc/ld.so.cache: what `ldconfig -p` prints, read
/// directly instead of spawning ldconfig.
///
/// Only the "glibc-ld.so.cache1.1" format (the only one glibc ≥ 2.32 writes, possibly after
/// an old-format prefix) is understood; anything else reads as an empty cache, and the
/// resolver then scans the standard directories.
public struct LdSoCache: Hashable, Sendable {
    public struct Entry: Hashable, Sendable {
        /// The soname, e.g. `libc.so.6`.
        public var name: String
        public var path: String
    }

    /// x86-64 libc6 entries, in cache order (ldconfig's preference order).
    public let entries: [Entry]

    public init(entries: [Entry]) {
        self.entries = entries
    }

    public static func read(path: String = "/etc/ld.so.cache") -> LdSoCache {
        guard let bytes = try? FileIO.readAll(path) else { return LdSoCache(entries: []) }
        return LdSoCache(parsing: bytes)
    }

    public init(parsing bytes: [UInt8]) {
        entries = LdSoCache.parse(bytes)
    }

    private static let newMagic = Array("glibc-ld.so.cache1.1".utf8)
    private static let oldMagic = Array("ld.so-1.7.0".utf8)
    private static let headerSize = 48
    private static let entrySize = 24
    // FLAG_ELF_LIBC6 in the type byte, FLAG_X8664_LIB64 in the required byte.
    private static let libc6: Int32 = 0x0003
    private static let x8664: Int32 = 0x0300

    private static func parse(_ bytes: [UInt8]) -> [Entry] {
        var base = 0
        if bytes.starts(with: oldMagic) {
            // Old header (magic, nlibs) and 12-byte entries, then the new cache, 8-aligned.
            guard bytes.count >= 16 else { return [] }
            let count = Int(uint32(bytes, 12))
            base = (16 + count * 12 + 7) & ~7
        }
        guard base + headerSize <= bytes.count, bytes[base..<base + newMagic.count].elementsEqual(newMagic) else {
            return []
        }
        let count = Int(uint32(bytes, base + 20))
        guard count <= (bytes.count - base - headerSize) / entrySize else { return [] }
        var entries: [Entry] = []
        for index in 0..<count {
            let offset = base + headerSize + index * entrySize
            let flags = Int32(bitPattern: uint32(bytes, offset))
            guard flags & 0xFF == libc6, flags & 0xFF00 == x8664,
                let name = cString(bytes, base + Int(uint32(bytes, offset + 4))),
                let path = cString(bytes, base + Int(uint32(bytes, offset + 8)))
            else { continue }
            entries.append(Entry(name: name, path: path))
        }
        return entries
    }

    private static func uint32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        guard offset >= 0, offset + 4 <= bytes.count else { return 0 }
        return UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
            | UInt32(bytes[offset + 3]) << 24
    }

    private static func cString(_ bytes: [UInt8], _ offset: Int) -> String? {
        guard offset >= 0, offset < bytes.count, let end = bytes[offset...].firstIndex(of: 0), end > offset else {
            return nil
        }
        return String(decoding: bytes[offset..<end], as: UTF8.self)
    }
}
