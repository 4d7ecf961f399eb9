import Foundation
import Language
import XCTest

@testable import Shell

/// Messages that used to be wrong or unsafe (issue 17, failure 7): a script that is not UTF-8,
/// control characters typed into a statement, `diff` of equal tables.
final class HonestMessagesTests: XCTestCase {
    func testAScriptThatIsNotUTF8IsSaidSoWithItsLine() throws {
        let path = try temporaryDirectory() + "/bad.bpfsh"
        let bytes: [UInt8] = Array("probes\n# été\nprint @x ".utf8) + [0xFF, 0x0A]
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        let fake = FakeShell()
        let outcome = ScriptRunner().run(path: path, in: fake.shell)
        XCTAssertFalse(outcome.succeeded)
        XCTAssertEqual(fake.err, "\(path):3:10: error: the script is not valid UTF-8 (byte 0xff)\n")
        XCTAssertEqual(outcome.statementsRun, 0, "nothing of a script that cannot be read is run")

        fake.err = ""
        XCTAssertFalse(fake.shell.execute("source /nonexistent/x.bpfsh"))
        XCTAssertTrue(
            fake.err.contains("/nonexistent/x.bpfsh: cannot read the script: No such file or directory"), fake.err)
    }

    func testControlCharactersInErrorsAreEscaped() {
        let fake = FakeShell()
        XCTAssertFalse(fake.shell.execute("frob\u{0}nic\u{1B}[2Jate\r"))
        XCTAssertFalse(fake.err.contains("\u{0}"), "a NUL is never echoed raw")
        XCTAssertTrue(
            fake.err.hasPrefix("unknown command 'frob\\0nic\\x1b[2Jate': "), fake.err)
        XCTAssertEqual(TerminalSafeText.escaped("a\tb\nc\u{7F}\u{85}\r"), "a\tb\nc\\x7f\\u{85}\\r")
    }

    func testDiffOfEqualTablesSaysSo() throws {
        let fake = FakeShell()
        XCTAssertTrue(fake.shell.execute("r = tracepoint:sched:sched_switch { @c[comm] = count(); }"))
        try fake.fill("@c", ["bash": 5, "sshd": 20])
        XCTAssertTrue(fake.shell.execute("snapshot @c as before"))
        fake.out = ""
        XCTAssertTrue(fake.shell.execute("diff before @c"))
        XCTAssertEqual(fake.out, "before and @c are equal (2 rows): nothing changed\n")
        try fake.fill("@c", ["bash": 7])
        fake.out = ""
        XCTAssertTrue(fake.shell.execute("diff before @c"))
        XCTAssertTrue(fake.out.contains("@c[bash]: 2"), fake.out)
    }
}

/// A huge one-line program is refused before it is compiled, and errors in long lines are
/// shown as a window around the column (issue 17, failure 7).
final class HugeProgramTests: XCTestCase {
    func testAMegabyteOneLineProgramIsRefusedWithTheLimit() {
        let fake = FakeShell()
        let program = "BEGIN { " + String(repeating: "@a = 1; ", count: 131_072) + "}"
        XCTAssertFalse(fake.shell.execute(program))
        XCTAssertTrue(
            fake.err.contains(
                "error: the program is \(program.utf8.count) bytes: bpfsh compiles programs of up to 32768 bytes"),
            String(fake.err.prefix(500)))
        XCTAssertLessThan(fake.err.utf8.count, 1000, "the error does not echo the program")
        XCTAssertTrue(fake.shell.session.probes.isEmpty)
    }

    func testAnErrorInALongLineShowsAWindowWithTheCaretUnderIt() {
        let text = String(repeating: "a", count: 300) + "XYZ" + String(repeating: "b", count: 300)
        let source = SourceFile(name: "p.bt", text: text)
        let rendered = Diagnostic("here", at: SourceRange(300, 303)).rendered(in: source)
        let lines = rendered.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines[0], "p.bt:1:301: error: here")
        XCTAssertTrue(lines[1].hasPrefix("…") && lines[1].hasSuffix("…"), String(lines[1]))
        let caret = lines[2].firstIndex(of: "^")!
        let offset = lines[2].distance(from: lines[2].startIndex, to: caret)
        XCTAssertEqual(Array(lines[1])[offset...].prefix(3), ["X", "Y", "Z"], rendered)
        XCTAssertEqual(lines[2].trimmingCharacters(in: .whitespaces), "^~~")
    }
}
