/// A tracepoint's `category:event` pair, as `available_events` lists it.
public struct TracepointName: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var category: String
    public var event: String

    public init(category: String, event: String) {
        self.category = category
        self.event = event
    }

    /// Parses `category:event`; nil for anything else.
    public init?(_ text: Substring) {
        let utf8 = text.utf8
        guard let colon = utf8.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let category = utf8[..<colon]
        let event = utf8[utf8.index(after: colon)...]
        guard !category.isEmpty, !event.isEmpty, !event.contains(UInt8(ascii: ":")) else { return nil }
        self.category = String(Substring(category))
        self.event = String(Substring(event))
    }

    public var description: String { "\(category):\(event)" }

    /// `tracepoint:category:event`.
    public var probeName: String { "tracepoint:\(category):\(event)" }

    public static func < (lhs: TracepointName, rhs: TracepointName) -> Bool {
        (lhs.category, lhs.event) < (rhs.category, rhs.event)
    }

    /// True when both parts are safe as tracefs path components.
    var isValidPath: Bool {
        Self.isValidComponent(category) && Self.isValidComponent(event)
    }

    static func isValidComponent(_ text: String) -> Bool {
        !text.isEmpty && text != "." && text != ".." && text.utf8.count < 256
            && text.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)
                    || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
            }
    }
}
