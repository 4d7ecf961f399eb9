import XCTest

/// The reading and checking half of the runtime-suite harness, on texts of its own.
final class RuntimeCaseTests: XCTestCase {
    func testParsesDirectivesContinuationsArchitecturesAndRepeatedNames() throws {
        let text = """
            # a comment
            NAME first
            PROG begin {
                   exit(); }
            EXPECT one
            EXPECT_REGEX ^t.o$
            TIMEOUT 2
            AFTER ./testprogs/true
            WILL_FAIL

            NAME other arch
            PROG begin {}
            EXPECT x
            ARCH aarch64|ppc64

            NAME first
            RUN {{BPFTRACE}} -e 'begin {}'
            EXPECT_NONE bad
            ENV A=1 B=2
            """
        let cases = try RuntimeCase.parse(text, file: "call", machine: "x86_64")
        XCTAssertEqual(cases.map(\.key), ["call/first", "call/first#2"])
        XCTAssertEqual(cases[0].prog, "begin {\n  exit(); }", "the directive's width and a space are dropped")
        XCTAssertEqual(cases[0].expects.map(\.mode), [.text, .regex])
        XCTAssertEqual(cases[0].timeout, 2)
        XCTAssertEqual(cases[0].after, "./testprogs/true")
        XCTAssertTrue(cases[0].willFail)
        XCTAssertEqual(cases[1].environment, ["A": "1", "B": "2"])
        XCTAssertEqual(cases[1].scopeName, "call/first")
        XCTAssertThrowsError(try RuntimeCase.parse("NAME x\nPROG y\nBOGUS z\n", file: "f", machine: "x86_64"))
    }

    func testExpectationsFollowTheEngine() {
        let runner = RuntimeCaseRunner(executable: "/bin/false", directory: "/")
        let output = "Attached 1 probe\n  @[1]: 2  \nhello world\n"
        XCTAssertTrue(runner.check(.init(mode: .text, text: "@[1]: 2"), output), "a whole line, spaces ignored")
        XCTAssertFalse(runner.check(.init(mode: .text, text: "hello"), output), "not part of a line")
        XCTAssertTrue(runner.check(.init(mode: .textNone, text: "hello"), output))
        XCTAssertTrue(runner.check(.init(mode: .regex, text: "wor.d$"), output))
        XCTAssertTrue(runner.check(.init(mode: .regexNone, text: "^world"), output))
        XCTAssertEqual(
            runner.command(for: RuntimeCase(file: "f", name: "n", prog: "begin { printf(\"it's\") }")),
            "/bin/false -e 'begin { printf(\"it'\\''s\") }'")
    }
}
