/// A shell-style pattern for probe names: `*`, `?` and bpftrace's `{a,b}` alternatives.
///
/// `*` matches any run of characters, `:` included, as in bpftrace (so `tracepoint:sched*`
/// reaches into the event part). Braces expand before matching (nested braces work; the
/// expansion is capped so a hostile pattern cannot explode). `\` makes the next character
/// literal. Matching works on UTF-8 bytes and backtracks at most linearly per star.
public struct ProbeGlob: Sendable, Hashable, CustomStringConvertible {
    public let pattern: String
    private let alternatives: [[Token]]

    private enum Token: Sendable, Hashable {
        case byte(UInt8)
        case anyByte
        case anyRun
    }

    /// The most alternatives a brace pattern may expand to.
    static let expansionLimit = 1024

    public init(_ pattern: String) {
        self.pattern = pattern
        self.alternatives = Self.expandBraces(Array(pattern.utf8)).map(Self.tokens)
    }

    public var description: String { pattern }

    /// True when the pattern can match more than one literal string.
    public var hasWildcards: Bool {
        alternatives.count > 1 || alternatives.contains { $0.contains { !Self.isLiteral($0) } }
    }

    /// The literal strings this pattern stands for when it has no `*` or `?` (braces only).
    public var literalAlternatives: [String]? {
        var result: [String] = []
        for tokens in alternatives {
            var bytes: [UInt8] = []
            for token in tokens {
                guard case let .byte(value) = token else { return nil }
                bytes.append(value)
            }
            result.append(String(decoding: bytes, as: UTF8.self))
        }
        return result
    }

    public func matches(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in matches(bytes: bytes) }
    }

    public func matches(_ text: Substring) -> Bool {
        matches(String(text))
    }

    func matches(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        alternatives.contains { Self.match($0, bytes) }
    }

    private static func isLiteral(_ token: Token) -> Bool {
        if case .byte = token { return true }
        return false
    }

    /// Iterative wildcard matching: remember the last star and retry one byte further on a
    /// mismatch, which is linear in practice and never recursive.
    private static func match(_ tokens: [Token], _ text: UnsafeBufferPointer<UInt8>) -> Bool {
        var t = 0, s = 0
        var starToken = -1, starText = 0
        while s < text.count {
            if t < tokens.count {
                switch tokens[t] {
                case .anyRun:
                    starToken = t
                    starText = s
                    t += 1
                    continue
                case .anyByte:
                    t += 1
                    s += 1
                    continue
                case let .byte(value) where value == text[s]:
                    t += 1
                    s += 1
                    continue
                case .byte:
                    break
                }
            }
            guard starToken >= 0 else { return false }
            t = starToken + 1
            starText += 1
            s = starText
        }
        while t < tokens.count, tokens[t] == .anyRun { t += 1 }
        return t == tokens.count
    }

    private static func tokens(_ bytes: [UInt8]) -> [Token] {
        var result: [Token] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\\") where index + 1 < bytes.count:
                index += 1
                result.append(.byte(bytes[index]))
            case UInt8(ascii: "*"):
                if result.last != .anyRun { result.append(.anyRun) }
            case UInt8(ascii: "?"):
                result.append(.anyByte)
            default:
                result.append(.byte(byte))
            }
            index += 1
        }
        return result
    }

    /// Expands the first top-level `{a,b}` group, then recurses on each result. An unmatched
    /// brace is taken literally.
    private static func expandBraces(_ bytes: [UInt8]) -> [[UInt8]] {
        var results: [[UInt8]] = []
        var work: [[UInt8]] = [bytes]
        while let current = work.popLast() {
            guard let group = firstBraceGroup(current) else {
                results.append(current)
                continue
            }
            let prefix = Array(current[..<group.open])
            let suffix = Array(current[(group.close + 1)...])
            for option in group.options {
                if results.count + work.count >= expansionLimit { break }
                work.append(prefix + option + suffix)
            }
            if results.count + work.count >= expansionLimit { break }
        }
        results.append(contentsOf: work)
        return results.reversed()
    }

    private static func firstBraceGroup(_ bytes: [UInt8]) -> (open: Int, close: Int, options: [[UInt8]])? {
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\\") {
                index += 2
                continue
            }
            if bytes[index] == UInt8(ascii: "{") {
                var depth = 0
                var options: [[UInt8]] = []
                var current: [UInt8] = []
                var cursor = index
                while cursor < bytes.count {
                    let byte = bytes[cursor]
                    if byte == UInt8(ascii: "\\"), cursor + 1 < bytes.count {
                        if depth >= 1 {
                            current.append(byte)
                            current.append(bytes[cursor + 1])
                        }
                        cursor += 2
                        continue
                    }
                    if byte == UInt8(ascii: "{") {
                        depth += 1
                        if depth > 1 { current.append(byte) }
                    } else if byte == UInt8(ascii: "}") {
                        depth -= 1
                        if depth == 0 {
                            options.append(current)
                            return (index, cursor, options)
                        }
                        current.append(byte)
                    } else if byte == UInt8(ascii: ","), depth == 1 {
                        options.append(current)
                        current = []
                    } else {
                        current.append(byte)
                    }
                    cursor += 1
                }
                return nil  // unbalanced: literal
            }
            index += 1
        }
        return nil
    }
}
