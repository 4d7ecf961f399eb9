/// The keys `monitor` understands, from the bytes a terminal in raw mode sends.
enum MonitorKey: Equatable {
    case character(Character)
    case up, down

    /// Keys in `bytes`: printable characters and the arrow keys' escape sequences (`ESC [ A`,
    /// `ESC O A`); anything else is skipped.
    static func parse(_ bytes: [UInt8]) -> [MonitorKey] {
        var keys: [MonitorKey] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x1B, index + 2 < bytes.count,
                bytes[index + 1] == UInt8(ascii: "[") || bytes[index + 1] == UInt8(ascii: "O")
            {
                switch bytes[index + 2] {
                case UInt8(ascii: "A"): keys.append(.up)
                case UInt8(ascii: "B"): keys.append(.down)
                default: break
                }
                index += 3
                continue
            }
            if byte >= 0x20 && byte < 0x7F { keys.append(.character(Character(Unicode.Scalar(byte)))) }
            index += 1
        }
        return keys
    }
}

/// What a key does.
enum MonitorAction: Equatable {
    case quit, pause, sort, previousProbe, nextProbe, detach, attach, nextMap, previousMap, clearMap

    init?(_ key: MonitorKey) {
        switch key {
        case .up: self = .previousProbe
        case .down: self = .nextProbe
        case .character(let c):
            switch c {
            case "q", "Q": self = .quit
            case "p", " ": self = .pause
            case "s": self = .sort
            case "k": self = .previousProbe
            case "j": self = .nextProbe
            case "d": self = .detach
            case "a": self = .attach
            case "m": self = .nextMap
            case "M": self = .previousMap
            case "c": self = .clearMap
            default: return nil
            }
        }
    }
}

extension MonitorState {
    /// The next item of `names` after (or before) `current`, wrapping; the first when there
    /// is no current one.
    static func step(_ names: [String], from current: String?, by offset: Int) -> String? {
        guard !names.isEmpty else { return nil }
        guard let current, let index = names.firstIndex(of: current) else { return names.first }
        return names[(index + offset + names.count) % names.count]
    }
}
