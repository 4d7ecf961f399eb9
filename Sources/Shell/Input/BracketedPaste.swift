/// A terminal's bracketed paste mode, read byte by byte: with the mode on, the terminal wraps
/// pasted text in `ESC [ 200 ~` … `ESC [ 201 ~`, so the shell can tell a paste from typing.
///
/// A paste never presses Enter for the user, as in bash and zsh: its first line goes into the
/// editor, and its other lines wait (`waitingLines`) until the user presses Enter, which runs
/// the edited first line and then each waiting line in turn; an interrupt drops them (`reset`).
/// Meanwhile the shell compiles a pasted probe ahead of that Enter, as it does a typed one.
/// Inside a paste a tab is a space (not completion) and other control characters are dropped,
/// so pasted text cannot run editing commands. Outside a paste every byte passes unchanged; an
/// escape is held only until the next byte shows whether it starts a marker (the reader
/// releases a lone escape key), and an end marker whose paste was lost is dropped.
struct BracketedPaste {
    static let enable = "\u{1B}[?2004h"
    static let disable = "\u{1B}[?2004l"
    private static let start: [UInt8] = Array("\u{1B}[200~".utf8)
    private static let end: [UInt8] = Array("\u{1B}[201~".utf8)
    private static let newline: UInt8 = 0x0D

    private(set) var inPaste = false
    /// Bytes that so far match the start or the end marker.
    private var held: [UInt8] = []
    /// The pasted text after its first line, newlines as CR, delivered after the user's Enter.
    private var rest: [UInt8] = []
    /// The paste's first line has ended: what follows waits in `rest`.
    private var queueing = false
    /// Newlines inside `rest`, added only if more pasted text follows them.
    private var pendingNewlines = 0
    private var lastWasCR = false

    /// Whether bytes are held back waiting for the next one (a possible marker).
    var isHolding: Bool { !held.isEmpty }
    /// Held bytes beyond a lone escape: most likely a marker split by a slow link, worth
    /// waiting longer for than a key.
    var holdsMarkerPrefix: Bool { held.count >= 2 }

    /// The pasted lines after the first, waiting for the user's Enter.
    var waitingLines: [String] {
        rest.isEmpty ? [] : String(decoding: rest, as: UTF8.self).components(separatedBy: "\r")
    }

    /// Takes one byte from the terminal; returns the bytes for the line editor, in order.
    mutating func feed(_ byte: UInt8) -> [UInt8] {
        held.append(byte)
        if held == Self.start {
            held = []
            begin()
            return []
        }
        if held == Self.end {
            held = []
            inPaste = false
            pendingNewlines = 0  // the paste's final newline is the user's to press
            return []
        }
        if Self.start.starts(with: held) || Self.end.starts(with: held) { return [] }
        held.removeLast()
        var bytes = release()
        if byte == Self.start[0] {
            held = [byte]
        } else {
            bytes += deliver(byte)
        }
        return bytes
    }

    /// Gives up the held bytes: they were not a marker (a lone escape key, an arrow key).
    mutating func release() -> [UInt8] {
        let bytes = held
        held = []
        return bytes.flatMap { deliver($0) }
    }

    /// Forgets any paste in progress and the lines waiting for Enter (an interrupt, or a
    /// paste whose end marker never came).
    mutating func reset() { self = BracketedPaste() }

    private mutating func begin() {
        inPaste = true
        // A second paste before Enter goes after the first one's waiting lines.
        queueing = !rest.isEmpty
        pendingNewlines = queueing ? 1 : 0
        lastWasCR = false
    }

    private mutating func deliver(_ byte: UInt8) -> [UInt8] {
        guard inPaste else {
            guard byte == 0x0D || byte == 0x0A, queueing else { return [byte] }
            // The user's Enter: the edited first line, then each waiting line, as if typed.
            let waiting = rest.isEmpty ? [] : rest + [Self.newline]
            rest = []
            queueing = false
            return [byte] + waiting
        }
        defer { lastWasCR = byte == 0x0D }
        switch byte {
        case 0x0A where lastWasCR:  // CR LF is one newline
            return []
        case 0x0A, 0x0D:
            if queueing { pendingNewlines += 1 } else { queueing = true }
            return []
        case 0x09:
            return text(0x20)
        case 0..<0x20, 0x7F:
            return []
        default:
            return text(byte)
        }
    }

    private mutating func text(_ byte: UInt8) -> [UInt8] {
        guard queueing else { return [byte] }
        rest += Array(repeating: Self.newline, count: pendingNewlines)
        pendingNewlines = 0
        rest.append(byte)
        return []
    }
}
