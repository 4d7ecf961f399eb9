/// The lexical side of queries: a statement split into stages at `|`, and a stage into
/// words, each piece remembering where it starts so errors can point at it.
public enum QueryText {
    /// A slice of the statement and its offset (in characters) from the statement's start.
    public struct Piece: Hashable, Sendable {
        public var text: String
        public var offset: Int
        public init(_ text: String, offset: Int) {
            self.text = text
            self.offset = offset
        }
    }

    /// Splits at each `|` outside a quoted string and not part of `||` (which stays "or" in
    /// conditions). Stages are trimmed; an empty stage stays (as an empty piece) so the
    /// caller can point at it.
    public static func stages(_ text: String) -> [Piece] {
        let chars = Array(text)
        var pieces: [Piece] = []
        var start = 0
        var quote: Character?
        var index = 0
        while index < chars.count {
            let c = chars[index]
            if let q = quote {
                if c == "\\" {
                    index += 1
                } else if c == q {
                    quote = nil
                }
            } else if c == "\"" || c == "'" {
                quote = c
            } else if c == "|" {
                if index + 1 < chars.count, chars[index + 1] == "|" {
                    index += 2
                    continue
                }
                pieces.append(trimmed(chars, start, index))
                start = index + 1
            }
            index += 1
        }
        pieces.append(trimmed(chars, start, chars.count))
        return pieces
    }

    /// True when `text` has a `|` that separates stages.
    public static func isPipeline(_ text: String) -> Bool { stages(text).count > 1 }

    /// Whitespace-separated words of a piece; quoted text stays one word (without quotes).
    public static func words(_ piece: Piece) -> [Piece] {
        var words: [Piece] = []
        var current = ""
        var currentStart = 0
        var quote: Character?
        var quoted = false
        for (index, c) in piece.text.enumerated() {
            if let q = quote {
                if c == q { quote = nil } else { current.append(c) }
            } else if c == "\"" || c == "'" {
                if current.isEmpty && !quoted { currentStart = index }
                quote = c
                quoted = true
            } else if c.isWhitespace {
                if !current.isEmpty || quoted {
                    words.append(Piece(current, offset: piece.offset + currentStart))
                    current = ""
                    quoted = false
                }
            } else {
                if current.isEmpty && !quoted { currentStart = index }
                current.append(c)
            }
        }
        if !current.isEmpty || quoted { words.append(Piece(current, offset: piece.offset + currentStart)) }
        return words
    }

    /// The rest of a piece after its first `count` words, trimmed, with its offset.
    public static func rest(of piece: Piece, after count: Int) -> Piece {
        let words = words(piece)
        guard count < words.count else { return Piece("", offset: piece.offset + piece.text.count) }
        let start = words[count].offset - piece.offset
        let chars = Array(piece.text)
        // A quoted word starts at its quote.
        return trimmed(chars, start, chars.count, base: piece.offset)
    }

    private static func trimmed(_ chars: [Character], _ start: Int, _ end: Int, base: Int = 0) -> Piece {
        var from = start, to = end
        while from < to, chars[from].isWhitespace { from += 1 }
        while to > from, chars[to - 1].isWhitespace { to -= 1 }
        return Piece(String(chars[from..<to]), offset: base + from)
    }
}
