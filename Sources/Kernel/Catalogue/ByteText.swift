/// A range of bytes in a UTF-8 buffer, for parsing kernel text files without paying for
/// Swift's grapheme-aware `Character` processing (which made a format parse ~30× slower).
///
/// Indices are absolute positions in `buffer`. Only valid while the buffer is.
struct ByteText {
    let buffer: UnsafeBufferPointer<UInt8>
    var start: Int
    var end: Int

    init(_ buffer: UnsafeBufferPointer<UInt8>) {
        self.buffer = buffer
        self.start = 0
        self.end = buffer.count
    }

    init(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) {
        self.buffer = buffer
        self.start = start
        self.end = max(start, end)
    }

    var isEmpty: Bool { start >= end }
    var count: Int { end - start }
    var first: UInt8? { isEmpty ? nil : buffer[start] }
    var last: UInt8? { isEmpty ? nil : buffer[end - 1] }

    var string: String {
        String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<end]), as: UTF8.self)
    }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0d)
    }

    static func isIdentifier(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)
            || byte == 0x5f
    }

    func trimmed() -> ByteText {
        var lower = start, upper = end
        while lower < upper, Self.isSpace(buffer[lower]) { lower += 1 }
        while upper > lower, Self.isSpace(buffer[upper - 1]) { upper -= 1 }
        return ByteText(buffer, lower, upper)
    }

    func hasPrefix(_ prefix: StaticString) -> Bool {
        let length = prefix.utf8CodeUnitCount
        guard count >= length else { return false }
        let bytes = prefix.utf8Start
        for offset in 0..<length where buffer[start + offset] != bytes[offset] { return false }
        return true
    }

    func hasSuffix(_ suffix: StaticString) -> Bool {
        let length = suffix.utf8CodeUnitCount
        guard count >= length else { return false }
        let bytes = suffix.utf8Start
        for offset in 0..<length where buffer[end - length + offset] != bytes[offset] { return false }
        return true
    }

    func equals(_ text: StaticString) -> Bool {
        count == text.utf8CodeUnitCount && hasPrefix(text)
    }

    func dropFirst(_ n: Int) -> ByteText { ByteText(buffer, min(end, start + n), end) }
    func dropLast(_ n: Int) -> ByteText { ByteText(buffer, start, max(start, end - n)) }
    func upTo(_ index: Int) -> ByteText { ByteText(buffer, start, index) }
    func from(_ index: Int) -> ByteText { ByteText(buffer, index, end) }

    func firstIndex(of byte: UInt8) -> Int? {
        var index = start
        while index < end {
            if buffer[index] == byte { return index }
            index += 1
        }
        return nil
    }

    func lastIndex(of byte: UInt8) -> Int? {
        var index = end
        while index > start {
            index -= 1
            if buffer[index] == byte { return index }
        }
        return nil
    }

    /// Splits on `separator`, keeping empty pieces (as `split(omittingEmptySubsequences: false)`).
    func split(_ separator: UInt8) -> [ByteText] {
        var pieces: [ByteText] = []
        var pieceStart = start
        var index = start
        while index < end {
            if buffer[index] == separator {
                pieces.append(ByteText(buffer, pieceStart, index))
                pieceStart = index + 1
            }
            index += 1
        }
        pieces.append(ByteText(buffer, pieceStart, end))
        return pieces
    }

    /// Calls `body` for each line (without its newline).
    func forEachLine(_ body: (ByteText) -> Void) {
        var lineStart = start
        var index = start
        while index < end {
            if buffer[index] == 0x0a {
                body(ByteText(buffer, lineStart, index))
                lineStart = index + 1
            }
            index += 1
        }
        if lineStart < end { body(ByteText(buffer, lineStart, end)) }
    }

    /// A non-negative decimal no larger than `limit`, or nil (overflow-safe).
    func decimal(limit: Int) -> Int? {
        guard !isEmpty, count <= 18 else { return nil }
        var value = 0
        for index in start..<end {
            let byte = buffer[index]
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value <= limit ? value : nil
    }
}
