/// A terminal's bracketed paste mode, read byte by byte: with the mode on, the terminal wraps
/// pasted text in `ESC [ 200 ~` … `ESC [ 201 ~`, so the shell can tell a paste from typing.
///
/// A paste never presses Enter for the user: its last line waits in the editor until they do,
/// as bash and zsh treat pastes, and the shell compiles a pasted probe ahead of that Enter just
/// as it does a typed one. Newlines inside the paste end their lines as typed ones would (a
/// multi-line probe gathers its lines as usual). Inside a paste, a tab is a space (not
/// completion) and other control characters are dropped, so pasted text cannot run editor
/// commands. Outside a paste every byte passes unchanged; an escape is held only until the
/// next byte shows it is not the start of a paste (the reader releases a lone escape key).
struct BracketedPaste {
    static let enable = "\u{1B}[?2004h"
    static let disable = "\u{1B}[?2004l"
    private static let start: [UInt8] = Array("\u{1B}[200~".utf8)
    private static let end: [UInt8] = Array("\u{1B}[201~".utf8)

    private(set) var inPaste = false
    /// Bytes that so far match the start (or, in a paste, the end) marker.
    private var held: [UInt8] = []
    /// A newline inside the paste, delivered only if more pasted text follows it.
    private var heldNewline: UInt8?

    /// Whether bytes are held back waiting for the next one (a possible marker).
    var isHolding: Bool { !held.isEmpty }

    /// Takes one byte from the terminal; returns the bytes for the line editor, in order.
    mutating func feed(_ byte: UInt8) -> [UInt8] {
        let marker = inPaste ? Self.end : Self.start
        if held.count < marker.count, marker[held.count] == byte {
            held.append(byte)
            guard held.count == marker.count else { return [] }
            held = []
            if inPaste { heldNewline = nil }  // the paste's final newline is the user's to press
            inPaste.toggle()
            return []
        }
        var bytes = release()
        if byte == marker[0] {
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

    private mutating func deliver(_ byte: UInt8) -> [UInt8] {
        guard inPaste else { return [byte] }
        switch byte {
        case 0x0A where heldNewline == 0x0D:  // CR LF is one newline
            return []
        case 0x0A, 0x0D:
            let earlier = heldNewline.map { [$0] } ?? []
            heldNewline = byte
            return earlier
        case 0x09:
            return flushNewline() + [0x20]
        case 0..<0x20, 0x7F:
            return []
        default:
            return flushNewline() + [byte]
        }
    }

    private mutating func flushNewline() -> [UInt8] {
        defer { heldNewline = nil }
        return heldNewline.map { [$0] } ?? []
    }
}
