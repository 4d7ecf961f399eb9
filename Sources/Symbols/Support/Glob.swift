/// A shell-style wildcard over bytes: `*` matches any run (also empty), `?` one character,
/// everything else itself. The wildcards bpftrace accepts in probe names.
public struct Glob: Hashable, Sendable {
    public let pattern: String
    private let bytes: [UInt8]

    public init(_ pattern: String) {
        self.pattern = pattern
        bytes = Array(pattern.utf8)
    }

    /// Whether the pattern contains a wildcard at all (else it is a plain name).
    public var hasWildcards: Bool {
        bytes.contains(UInt8(ascii: "*")) || bytes.contains(UInt8(ascii: "?"))
    }

    /// Linear-time matching with one backtrack point (the last `*`), so no pattern can make
    /// it exponential.
    public func matches(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { subject in
            var p = 0, s = 0
            var starP = -1, starS = 0
            let star = UInt8(ascii: "*"), question = UInt8(ascii: "?")
            while s < subject.count {
                if p < bytes.count && bytes[p] == star {
                    starP = p
                    starS = s
                    p += 1
                } else if p < bytes.count && (bytes[p] == question || bytes[p] == subject[s]) {
                    if bytes[p] == question {
                        // `?` is one character, not one byte: skip a whole UTF-8 sequence.
                        s += utf8Length(subject[s])
                    } else {
                        s += 1
                    }
                    p += 1
                } else if starP >= 0 {
                    p = starP + 1
                    starS += 1
                    s = starS
                } else {
                    return false
                }
            }
            while p < bytes.count && bytes[p] == star { p += 1 }
            return p == bytes.count
        }
    }
}

@inline(__always)
private func utf8Length(_ lead: UInt8) -> Int {
    switch lead {
    case 0xF0...: return 4
    case 0xE0...: return 3
    case 0xC0...: return 2
    default: return 1
    }
}
