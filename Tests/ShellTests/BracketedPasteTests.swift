import XCTest

@testable import Shell

/// What the line editor receives of a terminal's bracketed paste.
final class BracketedPasteTests: XCTestCase {
    /// Feeds the bytes as the terminal sends them; the reader releases held bytes when nothing
    /// follows them at once, as it does at the end of `bytes` here.
    func edited(_ text: String, filter: inout BracketedPaste) -> String {
        var out: [UInt8] = []
        for byte in Array(text.utf8) { out += filter.feed(byte) }
        out += filter.release()
        return String(decoding: out, as: UTF8.self)
    }

    func edited(_ text: String) -> String {
        var filter = BracketedPaste()
        return edited(text, filter: &filter)
    }

    let start = "\u{1B}[200~", end = "\u{1B}[201~"

    func testAPastedLineWaitsForTheUsersEnter() {
        XCTAssertEqual(edited(start + "p = BEGIN { exit(); }\r" + end), "p = BEGIN { exit(); }")
        XCTAssertEqual(edited(start + "p = BEGIN { exit(); }\r\n" + end), "p = BEGIN { exit(); }")
        XCTAssertEqual(edited(start + "probes" + end + "\r"), "probes\r", "Enter typed after the paste is Enter")
    }

    func testLinesInsideAPasteEndAsTypedOnesDoButTheLast() {
        XCTAssertEqual(
            edited(start + "a = BEGIN {\r  @x = 1;\r\r}\r" + end), "a = BEGIN {\r  @x = 1;\r\r}")
        XCTAssertEqual(edited(start + "one\r\ntwo\n" + end), "one\rtwo", "CR LF is one newline")
    }

    func testPastedTextCannotRunEditorCommands() {
        // A tab is not completion, Ctrl-A or an escape sequence not an editing key.
        XCTAssertEqual(edited(start + "a\tb\u{01}c\u{1B}[Ad\u{7F}" + end), "a bc[Ad")
    }

    func testKeysOutsideAPastePassUnchanged() {
        for keys in ["\u{1B}[A", "\u{1B}[2~", "\u{1B}", "\u{1B}\u{1B}[B", "ls\t\u{01}\r", "\u{1B}[20x", "é→"] {
            XCTAssertEqual(edited(keys), keys)
        }
        var filter = BracketedPaste()
        XCTAssertEqual(filter.feed(0x1B), [], "an escape waits for what follows")
        XCTAssertTrue(filter.isHolding)
        XCTAssertEqual(filter.release(), [0x1B], "alone, it is the escape key")
        XCTAssertFalse(filter.isHolding)
    }

    func testAPasteSpreadOverReadsAndLinesKeepsItsState() {
        var filter = BracketedPaste()
        XCTAssertEqual(edited(start + "first\r", filter: &filter), "first")
        XCTAssertTrue(filter.inPaste)
        XCTAssertEqual(edited("second\r" + end, filter: &filter), "\rsecond")
        XCTAssertFalse(filter.inPaste)
        XCTAssertEqual(edited("\u{1B}[A", filter: &filter), "\u{1B}[A")
    }
}
