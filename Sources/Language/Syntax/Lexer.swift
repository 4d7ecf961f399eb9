/// Turns source bytes into tokens on demand.
///
/// The parser drives the lexer in two modes because bpftrace's attach points
/// (`uprobe:/bin/bash:readline`, `tracepoint:syscalls:sys_enter_*`) are not made of ordinary
/// tokens: `nextAttachPoint()` reads one raw attach point, `next()` reads a normal token.
/// Every byte is either consumed into a token or reported: input is never dropped silently.
public struct Lexer {
    public let source: SourceFile
    private let bytes: [UInt8]
    public private(set) var position: Int = 0

    public init(_ source: SourceFile) {
        self.source = source
        self.bytes = source.bytes
    }

    public mutating func reset(to offset: Int) { position = offset }

    private func peekByte(_ ahead: Int = 0) -> UInt8? {
        let i = position + ahead
        return i < bytes.count ? bytes[i] : nil
    }

    /// Skips whitespace, `//` and `/* */` comments, and preprocessor lines (`#include`),
    /// which bpftrace hands to clang and we do not need.
    public mutating func skipTrivia() throws {
        while let byte = peekByte() {
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
                || byte == UInt8(ascii: "\r")
            {
                position += 1
            } else if byte == UInt8(ascii: "/"), peekByte(1) == UInt8(ascii: "/") {
                while let b = peekByte(), b != UInt8(ascii: "\n") { position += 1 }
            } else if byte == UInt8(ascii: "/"), peekByte(1) == UInt8(ascii: "*") {
                let start = position
                position += 2
                var closed = false
                while let b = peekByte() {
                    if b == UInt8(ascii: "*"), peekByte(1) == UInt8(ascii: "/") {
                        position += 2
                        closed = true
                        break
                    }
                    position += 1
                }
                if !closed { throw Diagnostic("unterminated comment", at: SourceRange(start, start + 2)) }
            } else if byte == UInt8(ascii: "#"), isAtLineStart(position) {
                while let b = peekByte(), b != UInt8(ascii: "\n") { position += 1 }
            } else {
                return
            }
        }
    }

    private func isAtLineStart(_ offset: Int) -> Bool {
        var i = offset - 1
        while i >= 0 {
            let b = bytes[i]
            if b == UInt8(ascii: "\n") { return true }
            if b != UInt8(ascii: " ") && b != UInt8(ascii: "\t") { return false }
            i -= 1
        }
        return true
    }

    public mutating func peek() throws -> Token {
        let saved = position
        defer { position = saved }
        return try next()
    }

    /// Reads one attach point: everything up to whitespace, `,` or `{`. A `/` belongs to the
    /// attach point inside a path segment (one that starts with `/` or `.`); elsewhere it
    /// starts a predicate.
    public mutating func nextAttachPoint() throws -> Token {
        try skipTrivia()
        let start = position
        var text: [UInt8] = []
        var segmentStart = true
        var inPath = false
        while let byte = peekByte() {
            if byte == UInt8(ascii: "\"") {
                let literal = try lexString()
                if case .string(let s) = literal.kind { text += Array(s.utf8) }
                segmentStart = false
                continue
            }
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
                || byte == UInt8(ascii: "\r")
                || byte == UInt8(ascii: ",") || byte == UInt8(ascii: "{") || byte == UInt8(ascii: "}")
                || byte == UInt8(ascii: ";")
            {
                break
            }
            if byte == UInt8(ascii: "/") && !(segmentStart || inPath) { break }
            if segmentStart { inPath = byte == UInt8(ascii: "/") || byte == UInt8(ascii: ".") }
            segmentStart = byte == UInt8(ascii: ":")
            if segmentStart { inPath = false }
            text.append(byte)
            position += 1
        }
        if text.isEmpty {
            if position >= bytes.count {
                return Token(kind: .eof, range: SourceRange(position, position))
            }
            throw Diagnostic(
                "expected an attach point such as 'tracepoint:sched:sched_switch' or 'BEGIN'",
                at: SourceRange(position, position + 1))
        }
        return Token(kind: .attachPoint(String(decoding: text, as: UTF8.self)), range: SourceRange(start, position))
    }

    private static let punctuators: [String] = [
        "<<=", ">>=", "...", "..", "->", "++", "--", "==", "!=", "<=", ">=", "&&", "||", "<<", ">>",
        "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "::",
        "+", "-", "*", "/", "%", "&", "|", "^", "!", "~", "<", ">", "=", "?", ":", ";", ",", ".",
        "(", ")", "{", "}", "[", "]",
    ]

    public mutating func next() throws -> Token {
        try skipTrivia()
        let start = position
        guard let byte = peekByte() else { return Token(kind: .eof, range: SourceRange(start, start)) }

        if isIdentifierStart(byte) {
            let name = readIdentifier()
            return Token(kind: .identifier(name), range: SourceRange(start, position))
        }
        if isDigit(byte) { return try lexNumber() }
        if byte == UInt8(ascii: "\"") { return try lexString() }
        if byte == UInt8(ascii: "'") { return try lexCharacter() }
        if byte == UInt8(ascii: "$") {
            position += 1
            if let b = peekByte(), isDigit(b) {
                var n = 0
                while let d = peekByte(), isDigit(d) {
                    n = n &* 10 &+ Int(d - UInt8(ascii: "0"))
                    if n > 1_000_000 {
                        throw Diagnostic("positional parameter number is too large", at: SourceRange(start, position))
                    }
                    position += 1
                }
                return Token(kind: .positional(n), range: SourceRange(start, position))
            }
            if peekByte() == UInt8(ascii: "#") {
                position += 1
                return Token(kind: .positionalCount, range: SourceRange(start, position))
            }
            guard let b = peekByte(), isIdentifierStart(b) else {
                throw Diagnostic("expected a variable name after '$'", at: SourceRange(start, position))
            }
            return Token(kind: .variable(readIdentifier()), range: SourceRange(start, position))
        }
        if byte == UInt8(ascii: "@") {
            position += 1
            let name = (peekByte().map(isIdentifierStart) ?? false) ? readIdentifier() : ""
            return Token(kind: .map(name), range: SourceRange(start, position))
        }
        for p in Lexer.punctuators where matches(p) {
            position += p.utf8.count
            return Token(kind: .punct(p), range: SourceRange(start, position))
        }
        let scalarEnd = utf8ScalarEnd(from: start)
        let shown = String(decoding: bytes[start..<scalarEnd], as: UTF8.self)
        position = scalarEnd
        throw Diagnostic("unexpected character '\(shown)'", at: SourceRange(start, scalarEnd))
    }

    private func utf8ScalarEnd(from offset: Int) -> Int {
        var end = offset + 1
        while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
        return end
    }

    private func matches(_ p: String) -> Bool {
        var i = position
        for b in p.utf8 {
            guard i < bytes.count, bytes[i] == b else { return false }
            i += 1
        }
        return true
    }

    private func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
    private func isIdentifierStart(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
            || b == UInt8(ascii: "_")
    }
    private func isIdentifierByte(_ b: UInt8) -> Bool { isIdentifierStart(b) || isDigit(b) }

    private mutating func readIdentifier() -> String {
        let start = position
        while let b = peekByte(), isIdentifierByte(b) { position += 1 }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    /// Decimal, hex (0x), binary (0b), octal (leading 0), `_` separators, an exponent
    /// (`1e6`) and C suffixes (`u`, `l`, `ul`, `ll`...).
    private mutating func lexNumber() throws -> Token {
        let start = position
        var radix: UInt64 = 10
        if peekByte() == UInt8(ascii: "0"), let x = peekByte(1), x == UInt8(ascii: "x") || x == UInt8(ascii: "X") {
            radix = 16
            position += 2
        } else if peekByte() == UInt8(ascii: "0"), let x = peekByte(1), x == UInt8(ascii: "b") || x == UInt8(ascii: "B")
        {
            radix = 2
            position += 2
        } else if peekByte() == UInt8(ascii: "0"), let x = peekByte(1), isDigit(x) {
            radix = 8
            position += 1
        }
        var value: UInt64 = 0
        var digits = 0
        var overflow = false
        while let b = peekByte() {
            if b == UInt8(ascii: "_") {
                position += 1
                continue
            }
            guard let d = digitValue(b), d < radix else { break }
            let (m, o1) = value.multipliedReportingOverflow(by: radix)
            let (s, o2) = m.addingReportingOverflow(d)
            overflow = overflow || o1 || o2
            value = s
            digits += 1
            position += 1
        }
        if digits == 0 && radix != 8 {
            throw Diagnostic("invalid number literal", at: SourceRange(start, position))
        }
        if radix == 10, let e = peekByte(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E"), let d = peekByte(1),
            isDigit(d)
        {
            position += 1
            var exponent = 0
            while let b = peekByte(), isDigit(b) {
                exponent = min(1000, exponent * 10 + Int(b - UInt8(ascii: "0")))
                position += 1
            }
            if exponent > 19 && value != 0 { overflow = true }
            for _ in 0..<min(exponent, 20) {
                let (m, o) = value.multipliedReportingOverflow(by: 10)
                overflow = overflow || o
                value = m
            }
        }
        if let unit = durationSuffix() {
            position += unit.suffix.utf8.count
            let (scaled, o) = value.multipliedReportingOverflow(by: unit.nanoseconds)
            overflow = overflow || o
            value = scaled
        }
        while let b = peekByte(),
            b == UInt8(ascii: "u") || b == UInt8(ascii: "U") || b == UInt8(ascii: "l") || b == UInt8(ascii: "L")
        {
            position += 1
        }
        if let b = peekByte(), isIdentifierStart(b) || isDigit(b) {
            while let b = peekByte(), isIdentifierByte(b) { position += 1 }
            throw Diagnostic("invalid number literal", at: SourceRange(start, position))
        }
        if overflow { throw Diagnostic("integer literal is too large for 64 bits", at: SourceRange(start, position)) }
        return Token(kind: .integer(value), range: SourceRange(start, position))
    }

    /// bpftrace's duration suffixes, which make the number a count of nanoseconds (`100ms`).
    static let durationUnits: [(suffix: String, nanoseconds: UInt64)] = [
        ("ns", 1), ("us", 1_000), ("ms", 1_000_000), ("s", 1_000_000_000), ("m", 60_000_000_000),
        ("h", 3_600_000_000_000), ("d", 86_400_000_000_000),
    ]

    /// The duration suffix at the current position when it ends the literal (`1s`, not `1sx`).
    private func durationSuffix() -> (suffix: String, nanoseconds: UInt64)? {
        for unit in Self.durationUnits {
            let suffix = Array(unit.suffix.utf8)
            guard position + suffix.count <= bytes.count,
                Array(bytes[position..<(position + suffix.count)]) == suffix
            else { continue }
            if let next = peekByte(suffix.count), isIdentifierByte(next) { continue }
            return unit
        }
        return nil
    }

    private func digitValue(_ b: UInt8) -> UInt64? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt64(b - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt64(b - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt64(b - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    private mutating func lexString() throws -> Token {
        let start = position
        position += 1
        var out: [UInt8] = []
        while true {
            guard let b = peekByte(), b != UInt8(ascii: "\n") else {
                throw Diagnostic("unterminated string", at: SourceRange(start, position))
            }
            position += 1
            if b == UInt8(ascii: "\"") { break }
            if b == UInt8(ascii: "\\") {
                out.append(contentsOf: try escape(start: position - 1))
            } else {
                out.append(b)
            }
        }
        return Token(kind: .string(String(decoding: out, as: UTF8.self)), range: SourceRange(start, position))
    }

    private mutating func lexCharacter() throws -> Token {
        let start = position
        position += 1
        guard let b = peekByte(), b != UInt8(ascii: "'"), b != UInt8(ascii: "\n") else {
            throw Diagnostic("empty character literal", at: SourceRange(start, position))
        }
        position += 1
        let value: UInt8 = b == UInt8(ascii: "\\") ? (try escape(start: position - 1)).first ?? 0 : b
        guard peekByte() == UInt8(ascii: "'") else {
            throw Diagnostic("unterminated character literal", at: SourceRange(start, position))
        }
        position += 1
        return Token(kind: .integer(UInt64(value)), range: SourceRange(start, position))
    }

    /// Decodes one escape after a backslash: \n \t \r \\ \" \' \0 \xHH \NNN (octal).
    private mutating func escape(start: Int) throws -> [UInt8] {
        guard let e = peekByte() else { throw Diagnostic("unterminated escape", at: SourceRange(start, position)) }
        if e == UInt8(ascii: "\n") { throw Diagnostic("unterminated string", at: SourceRange(start, position)) }
        position += 1
        switch e {
        case UInt8(ascii: "n"): return [10]
        case UInt8(ascii: "t"): return [9]
        case UInt8(ascii: "r"): return [13]
        case UInt8(ascii: "a"): return [7]
        case UInt8(ascii: "b"): return [8]
        case UInt8(ascii: "f"): return [12]
        case UInt8(ascii: "v"): return [11]
        case UInt8(ascii: "e"): return [27]
        case UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: "'"): return [e]
        case UInt8(ascii: "x"):
            var v: UInt64 = 0
            var n = 0
            while n < 2, let b = peekByte(), let d = digitValue(b) {
                v = v * 16 + d
                n += 1
                position += 1
            }
            if n == 0 { throw Diagnostic("\\x used with no following hex digits", at: SourceRange(start, position)) }
            return [UInt8(v)]
        case UInt8(ascii: "0")...UInt8(ascii: "7"):
            var v = UInt64(e - UInt8(ascii: "0"))
            var n = 1
            while n < 3, let b = peekByte(), b >= UInt8(ascii: "0"), b <= UInt8(ascii: "7") {
                v = v * 8 + UInt64(b - UInt8(ascii: "0"))
                n += 1
                position += 1
            }
            if v > 255 { throw Diagnostic("octal escape sequence out of range", at: SourceRange(start, position)) }
            return [UInt8(v)]
        default:
            throw Diagnostic(
                "invalid escape character '\\\(Character(UnicodeScalar(e)))'", at: SourceRange(start, position))
        }
    }
}
