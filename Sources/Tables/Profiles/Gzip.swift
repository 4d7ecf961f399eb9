/// A gzip member (RFC 1952) around deflate "stored" blocks (RFC 1951 §3.2.4): valid gzip
/// that every reader (`go tool pprof`, `gunzip`, Parca, Pyroscope) opens, written without
/// a compressor so `Tables` stays free of C libraries. Profiles are small, so size matters
/// less than keeping this pure; the shell may compress instead.
public enum Gzip {
    public static func wrapStored(_ data: [UInt8]) -> [UInt8] {
        // Header: magic, CM=8 (deflate), no flags, mtime 0, XFL 0, OS 3 (Unix).
        var out: [UInt8] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]
        out.reserveCapacity(data.count + data.count / 65535 * 5 + 32)
        var offset = 0
        repeat {
            let length = min(65535, data.count - offset)
            let final: UInt8 = offset + length == data.count ? 1 : 0
            out.append(final)  // BFINAL, BTYPE=00 (stored)
            out += [UInt8(length & 0xff), UInt8(length >> 8), UInt8(~length & 0xff), UInt8((~length >> 8) & 0xff)]
            out += data[offset..<offset + length]
            offset += length
        } while offset < data.count
        out += littleEndian(crc32(data))
        out += littleEndian(UInt32(truncatingIfNeeded: data.count))
        return out
    }

    /// The payload of a gzip member written by `wrapStored` (for tests and round trips);
    /// nil for anything else.
    public static func unwrapStored(_ gz: [UInt8]) -> [UInt8]? {
        guard gz.count >= 18, gz[0] == 0x1f, gz[1] == 0x8b, gz[2] == 8, gz[3] == 0 else { return nil }
        var out: [UInt8] = []
        var pos = 10
        while true {
            guard pos + 5 <= gz.count, gz[pos] & 0b110 == 0 else { return nil }
            let final = gz[pos] & 1 == 1
            let length = Int(gz[pos + 1]) | Int(gz[pos + 2]) << 8
            pos += 5
            guard pos + length <= gz.count else { return nil }
            out += gz[pos..<pos + length]
            pos += length
            if final { break }
        }
        guard pos + 8 == gz.count, Array(gz[pos..<pos + 4]) == littleEndian(crc32(out)) else { return nil }
        return out
    }

    static func littleEndian(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8((v >> ($0 * 8)) & 0xff) } }

    static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func crc32(_ data: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for byte in data { c = table[Int((c ^ UInt32(byte)) & 0xff)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }
}
