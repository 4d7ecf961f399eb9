/// Collects typed lines into complete statements: a probe whose `{` is not yet closed
/// continues on the next line (the `...>` prompt). Braces inside strings and comments do not
/// count.
public struct InputAssembler {
    public private(set) var pending: [String] = []

    public init() {}

    public var isContinuing: Bool { !pending.isEmpty }

    /// Adds a line; returns the complete statement when the braces balance.
    public mutating func add(_ line: String) -> String? {
        pending.append(line)
        let text = pending.joined(separator: "\n")
        if InputAssembler.openBraces(in: text) > 0 { return nil }
        // An attach-point list may go on after a comma: `a = tracepoint:x:y,` then `tracepoint:x:z { ... }`.
        if text.last(where: { !$0.isWhitespace }) == "," && !text.contains("{") { return nil }
        pending = []
        return text
    }

    public mutating func reset() { pending = [] }

    /// `{` minus `}` outside strings, character literals and comments.
    public static func openBraces(in text: String) -> Int {
        var depth = 0
        var inString = false, inChar = false, inLineComment = false, inBlockComment = false, escaped = false
        let characters = Array(text)
        var index = 0
        while index < characters.count {
            let c = characters[index]
            let next: Character? = index + 1 < characters.count ? characters[index + 1] : nil
            defer { index += 1 }
            if inLineComment {
                if c == "\n" { inLineComment = false }
                continue
            }
            if inBlockComment {
                if c == "*" && next == "/" {
                    inBlockComment = false
                    index += 1
                }
                continue
            }
            if inString || inChar {
                if escaped {
                    escaped = false
                } else if c == "\\" {
                    escaped = true
                } else if (inString && c == "\"") || (inChar && c == "'") {
                    inString = false
                    inChar = false
                }
                continue
            }
            switch c {
            case "\"": inString = true
            case "'": inChar = true
            case "/" where next == "/": inLineComment = true
            case "/" where next == "*":
                inBlockComment = true
                index += 1
            case "{": depth += 1
            case "}": depth -= 1
            default: break
            }
        }
        return depth
    }
}
