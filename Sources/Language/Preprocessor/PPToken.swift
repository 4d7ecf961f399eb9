/// A preprocessing token: C's view of the text, enough to find directives, macro names and
/// their arguments while copying everything else through unchanged.
struct PPToken: Sendable {
    enum Kind: Sendable, Equatable {
        case identifier
        case number
        case string
        case character
        /// `$name`, `@name`, `$1`: bpftrace variables and maps, never macro names.
        case sigiled
        case punct
        case whitespace
        case newline
        case comment
    }
    var kind: Kind
    var text: String
    /// Where the token came from: a byte range in file `file` of the preprocessor's file list.
    /// Tokens a macro produced carry the whole invocation's range.
    var start: Int
    var end: Int
    var file: Int
    /// True when the text is not the bytes at `start..<end` (a macro's replacement).
    var expanded = false

    var isTrivia: Bool { kind == .whitespace || kind == .newline || kind == .comment }
}

/// Splits one file into `PPToken`s. Never fails: an unterminated literal or comment runs to
/// the end of its line (or file) and the lexer reports it with its own words later.
enum PPTokenizer {
    private static let twoCharacterOperators: Set<String> = [
        "##", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||",
    ]

    static func tokenize(_ bytes: [UInt8], file: Int) -> [PPToken] {
        var tokens: [PPToken] = []
        var i = 0
        func add(_ kind: PPToken.Kind, _ start: Int, _ end: Int) {
            let text = String(decoding: bytes[start..<end], as: UTF8.self)
            tokens.append(PPToken(kind: kind, text: text, start: start, end: end, file: file))
        }
        func at(_ k: Int) -> UInt8? { k < bytes.count ? bytes[k] : nil }
        while i < bytes.count {
            let start = i
            let b = bytes[i]
            if b == UInt8(ascii: "\n") {
                i += 1
                add(.newline, start, i)
            } else if isSpace(b) {
                while let c = at(i), isSpace(c) { i += 1 }
                add(.whitespace, start, i)
            } else if b == UInt8(ascii: "\\"), at(i + 1) == UInt8(ascii: "\n") {
                // A continued line: the directive goes on, the newline does not count.
                i += 2
                add(.whitespace, start, i)
            } else if b == UInt8(ascii: "\\"), at(i + 1) == UInt8(ascii: "\r"), at(i + 2) == UInt8(ascii: "\n") {
                i += 3
                add(.whitespace, start, i)
            } else if b == UInt8(ascii: "/"), at(i + 1) == UInt8(ascii: "/") {
                while let c = at(i), c != UInt8(ascii: "\n") { i += 1 }
                add(.comment, start, i)
            } else if b == UInt8(ascii: "/"), at(i + 1) == UInt8(ascii: "*") {
                i += 2
                while i < bytes.count, !(bytes[i] == UInt8(ascii: "*") && at(i + 1) == UInt8(ascii: "/")) { i += 1 }
                i = min(bytes.count, i + 2)
                add(.comment, start, i)
            } else if isIdentifierStart(b) {
                while let c = at(i), isIdentifierByte(c) { i += 1 }
                add(.identifier, start, i)
            } else if isDigit(b) {
                while let c = at(i), isIdentifierByte(c) { i += 1 }
                add(.number, start, i)
            } else if b == UInt8(ascii: "$") || b == UInt8(ascii: "@") {
                i += 1
                while let c = at(i), isIdentifierByte(c) || c == UInt8(ascii: "#") && i == start + 1 { i += 1 }
                add(.sigiled, start, i)
            } else if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") {
                i += 1
                while let c = at(i), c != b, c != UInt8(ascii: "\n") {
                    i += c == UInt8(ascii: "\\") && at(i + 1) != UInt8(ascii: "\n") ? 2 : 1
                }
                if at(i) == b { i += 1 }
                i = min(i, bytes.count)
                add(b == UInt8(ascii: "\"") ? .string : .character, start, i)
            } else {
                if let next = at(i + 1), twoCharacterOperators.contains(String(decoding: [b, next], as: UTF8.self)) {
                    i += 2
                } else {
                    i += 1
                    while let c = at(i), c & 0xC0 == 0x80 { i += 1 }
                }
                add(.punct, start, i)
            }
        }
        return tokens
    }

    static func isSpace(_ b: UInt8) -> Bool {
        b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") || b == UInt8(ascii: "\r") || b == 0x0B || b == 0x0C
    }
    static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
    static func isIdentifierStart(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
            || b == UInt8(ascii: "_")
    }
    static func isIdentifierByte(_ b: UInt8) -> Bool { isIdentifierStart(b) || isDigit(b) }
}
