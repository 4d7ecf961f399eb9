import XCTest

@testable import Shell

/// What the line editor receives of a terminal's bracketed paste.
final class BracketedPasteTests: XCTestCase {
    /// Feeds the bytes as the terminal sends them; the reader releases held bytes when nothing
    /// follows them at once, as it does at the end of `text` here.
    func edited(_ text: String, filter: inout BracketedPaste) -> String {
        var out: [UInt8] = []
        for byte in Array(text.utf8) { out += filter.feed(byte) }
        if !filter.inPaste { out += filter.release() }
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

    func testTheOtherPastedLinesRunOnlyAfterTheUsersEnter() {
        var filter = BracketedPaste()
        XCTAssertEqual(
            edited(start + "a = BEGIN {\r  @x = 1;\r\r}\r!rm -rf /tmp/x\r" + end, filter: &filter), "a = BEGIN {")
        XCTAssertEqual(filter.waitingLines, ["  @x = 1;", "", "}", "!rm -rf /tmp/x"])
        XCTAssertEqual(edited("x", filter: &filter), "x", "typing edits the first line; the rest still waits")
        XCTAssertEqual(edited("\r", filter: &filter), "\r  @x = 1;\r\r}\r!rm -rf /tmp/x\r")
        XCTAssertEqual(filter.waitingLines, [])
        XCTAssertEqual(edited("\r", filter: &filter), "\r", "the next Enter is only Enter")
        XCTAssertEqual(edited(start + "one\r\ntwo\n" + end + "\r"), "one\rtwo\r", "CR LF is one newline")
    }

    func testAnInterruptDropsTheWaitingLines() {
        var filter = BracketedPaste()
        _ = edited(start + "one\rtwo\r" + end, filter: &filter)
        XCTAssertEqual(filter.waitingLines, ["two"])
        filter.reset()
        XCTAssertEqual(edited("\r", filter: &filter), "\r")
    }

    func testASecondPasteWaitsBehindTheFirst() {
        var filter = BracketedPaste()
        XCTAssertEqual(edited(start + "one\rtwo" + end + start + "three\r" + end, filter: &filter), "one")
        XCTAssertEqual(filter.waitingLines, ["two", "three"])
        XCTAssertEqual(edited(start + "a" + end + start + "b\r" + end), "ab", "single lines go into the editor")
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
        XCTAssertFalse(filter.holdsMarkerPrefix, "alone it may be a key")
        XCTAssertEqual(filter.release(), [0x1B], "alone, it is the escape key")
        XCTAssertFalse(filter.isHolding)
    }

    func testAnEndWithoutItsPasteIsDropped() {
        XCTAssertEqual(edited("ab" + end + "c"), "abc")
    }

    func testAPasteSpreadOverReadsKeepsItsState() {
        var filter = BracketedPaste()
        XCTAssertEqual(edited(start + "first\rsec", filter: &filter), "first")
        XCTAssertTrue(filter.inPaste)
        XCTAssertEqual(edited("ond\u{1B}[20", filter: &filter), "")
        XCTAssertTrue(filter.holdsMarkerPrefix, "a split marker is held")
        XCTAssertEqual(edited("1~", filter: &filter), "")
        XCTAssertFalse(filter.inPaste)
        XCTAssertEqual(filter.waitingLines, ["second"])
        XCTAssertEqual(edited("\u{1B}[A", filter: &filter), "\u{1B}[A")
    }
}
