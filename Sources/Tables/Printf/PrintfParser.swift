/// The byte scanner behind `PrintfFormat.parse`.
///
/// Works on UTF-8 bytes because offsets are byte offsets (what the compiler's diagnostics
/// use) and every byte that matters in a specifier is ASCII; literal runs are only ever cut at
/// an ASCII `%`, so they stay valid UTF-8.
struct PrintfParser {
    private let bytes: [UInt8]
    private var position = 0

    init(_ format: String) {
        bytes = Array(format.utf8)
    }

    mutating func parse() throws(PrintfFormatError) -> [PrintfFormat.Piece] {
        var pieces: [PrintfFormat.Piece] = []
        var literal: [UInt8] = []
        func flushLiteral() {
            if !literal.isEmpty {
                pieces.append(.literal(String(decoding: literal, as: UTF8.self)))
                literal.removeAll()
            }
        }
        while position < bytes.count {
            let byte = bytes[position]
            if byte != UInt8(ascii: "%") {
                literal.append(byte)
                position += 1
                continue
            }
            if peek(1) == UInt8(ascii: "%") {
                literal.append(byte)
                position += 2
                continue
            }
            let conversion = try parseConversion()
            flushLiteral()
            pieces.append(.conversion(conversion))
        }
        flushLiteral()
        return pieces
    }

    private func peek(_ ahead: Int = 0) -> UInt8? {
        let index = position + ahead
        return index < bytes.count ? bytes[index] : nil
    }

    /// Text of `bytes[start..<end]`, extended over UTF-8 continuation bytes so an error
    /// never shows half a character.
    private func text(from start: Int, to end: Int) -> String {
        var stop = Swift.min(end, bytes.count)
        while stop < bytes.count, bytes[stop] & 0xC0 == 0x80 { stop += 1 }
        return String(decoding: bytes[start..<stop], as: UTF8.self)
    }

    private mutating func parseConversion() throws(PrintfFormatError) -> PrintfConversion {
        let start = position
        position += 1
        var leftAlign = false, zeroPad = false, plusSign = false, spaceSign = false, alternate = false
        flags: while let b = peek() {
            switch b {
            case UInt8(ascii: "-"): leftAlign = true
            case UInt8(ascii: "0"): zeroPad = true
            case UInt8(ascii: "+"): plusSign = true
            case UInt8(ascii: " "): spaceSign = true
            case UInt8(ascii: "#"): alternate = true
            default: break flags
            }
            position += 1
        }
        let width = try parseNumber(start: start)
        var precision: Int?
        if peek() == UInt8(ascii: ".") {
            position += 1
            precision = try parseNumber(start: start) ?? 0
        }
        var length = PrintfConversion.Length.none
        switch (peek(), peek(1)) {
        case (UInt8(ascii: "h"), UInt8(ascii: "h")):
            length = .hh
            position += 2
        case (UInt8(ascii: "l"), UInt8(ascii: "l")):
            length = .ll
            position += 2
        case (UInt8(ascii: "h"), _):
            length = .h
            position += 1
        case (UInt8(ascii: "l"), _):
            length = .l
            position += 1
        case (UInt8(ascii: "j"), _):
            length = .j
            position += 1
        case (UInt8(ascii: "z"), _):
            length = .z
            position += 1
        case (UInt8(ascii: "t"), _):
            length = .t
            position += 1
        default: break
        }
        guard let c = peek() else {
            throw .incompleteSpecifier(token: text(from: start, to: position), offset: start)
        }
        position += 1
        var conversion: PrintfConversion.Conversion
        switch c {
        case UInt8(ascii: "d"): conversion = .d
        case UInt8(ascii: "i"): conversion = .i
        case UInt8(ascii: "u"): conversion = .u
        case UInt8(ascii: "o"): conversion = .o
        case UInt8(ascii: "x"): conversion = .x
        case UInt8(ascii: "X"): conversion = .X
        case UInt8(ascii: "c"): conversion = .c
        case UInt8(ascii: "s"): conversion = .s
        case UInt8(ascii: "p"): conversion = .p
        case UInt8(ascii: "r"):
            conversion = .r
            if peek() == UInt8(ascii: "x") {
                conversion = .rx
                position += 1
            } else if peek() == UInt8(ascii: "h") {
                conversion = .rh
                position += 1
            }
        case UInt8(ascii: "g") where peek() == UInt8(ascii: "r"):
            conversion = .gr
            position += 1
        default:
            throw .unknownSpecifier(token: text(from: start, to: position), offset: start)
        }
        let takesLength: Bool
        switch conversion {
        case .d, .i, .u, .o, .x, .X, .p: takesLength = true
        case .c, .s, .r, .rx, .rh, .gr: takesLength = false
        }
        if length != .none && !takesLength {
            throw .unknownSpecifier(token: text(from: start, to: position), offset: start)
        }
        var result = PrintfConversion(
            offset: start, text: text(from: start, to: position),
            conversion: conversion)
        result.leftAlign = leftAlign
        result.zeroPad = zeroPad
        result.plusSign = plusSign
        result.spaceSign = spaceSign
        result.alternate = alternate
        result.width = width
        result.precision = precision
        result.length = length
        return result
    }

    /// A run of decimal digits, or nil when there is none.
    private mutating func parseNumber(start: Int) throws(PrintfFormatError) -> Int? {
        var value: Int?
        while let b = peek(), b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") {
            let next = (value ?? 0) * 10 + Int(b - UInt8(ascii: "0"))
            if next > PrintfFormat.maximumFieldWidth {
                while let d = peek(), d >= UInt8(ascii: "0"), d <= UInt8(ascii: "9") { position += 1 }
                throw .fieldTooWide(token: text(from: start, to: position + 1), offset: start)
            }
            value = next
            position += 1
        }
        return value
    }
}
