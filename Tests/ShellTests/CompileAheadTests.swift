import Foundation
import Language
import LanguageTestSupport
import Session
import Shell
import TestSupport
import XCTest

/// The shell compiles a whole probe while the user pauses typing (`Shell.prepareAhead`), so
/// Enter attaches it from the compiled-program cache instead of waiting for LLVM.
final class CompileAheadTests: XCTestCase {
    var cache = CachedFakeShell()
    var errors: [String] = []

    override func setUp() {
        cache = CachedFakeShell()
        errors = []
    }

    override func tearDown() { cache.removeCache() }

    func shell(cached: Bool = true) -> Shell {
        cache.make(cached: cached, output: { _ in }, errors: { [unowned self] in errors.append($0) })
    }

    func entries() -> Int { cache.entries }

    func testAProbeCompiledAheadAttachesFromTheCache() throws {
        let shell = shell()
        defer { shell.session.close() }
        // A first probe, so the second compiles against the session's maps and fired slots.
        XCTAssertTrue(shell.execute("a = tracepoint:sched:sched_switch { @s[comm] = count(); }"))
        let line = "b = tracepoint:sched:sched_wakeup { @s[comm] = count(); @w = count(); }"
        shell.prepareAhead(line)
        XCTAssertNil(shell.session.probe(named: "b"), "compiling ahead defines nothing")
        XCTAssertTrue(shell.execute(line), errors.joined())
        let probe = try XCTUnwrap(shell.session.probe(named: "b"))
        XCTAssertTrue(probe.compiled.fromCache, "Enter found the code compiled ahead")
        XCTAssertEqual(probe.state, .attached)

        // A redefinition is compiled ahead against what it replaces, a bare probe as a new one.
        let redefinition = "a = tracepoint:sched:sched_switch { @s[comm] = count(); @t = count(); }"
        shell.prepareAhead(redefinition)
        XCTAssertTrue(shell.execute(redefinition), errors.joined())
        XCTAssertTrue(try XCTUnwrap(shell.session.probe(named: "a")).compiled.fromCache)
        let bare = "tracepoint:sched:sched_switch { @e = count(); }"
        shell.prepareAhead(bare)
        XCTAssertTrue(shell.execute(bare), errors.joined())
        XCTAssertTrue(shell.session.probes.last?.compiled.fromCache ?? false)
    }

    /// Reads its lines as a user who pauses before each Enter: the shell compiles ahead.
    final class PausingReader: LineReader {
        var lines: [String]
        weak var shell: Shell?
        init(_ lines: [String]) { self.lines = lines }
        func readLine(prompt: String) -> (line: String?, interrupted: Bool) {
            guard !lines.isEmpty else { return (nil, false) }
            let line = lines.removeFirst()
            shell?.prepareAhead(line)
            return (line, false)
        }
        func remember(_ statement: String) {}
        func printAbovePrompt(_ text: String) {}
        var isInteractive: Bool { true }
        func close() {}
    }

    func testAProbeOverSeveralLinesIsCompiledAheadWhole() throws {
        let reader = PausingReader(["m = tracepoint:sched:sched_switch {", "  @s[comm] = count();", "}", "probes"])
        let shell = cache.make(reader: reader, output: { _ in }, errors: { [unowned self] in errors.append($0) })
        defer { shell.session.close() }
        reader.shell = shell
        shell.run()
        XCTAssertTrue(errors.isEmpty, errors.joined())
        XCTAssertTrue(
            try XCTUnwrap(shell.session.probe(named: "m")).compiled.fromCache,
            "the closing line's pause compiled the probe")
        XCTAssertEqual(entries(), 1, "its partial lines compiled nothing")
    }

    func testOfSeveralPastedStatementsTheFirstIsCompiledAhead() throws {
        let shell = shell()
        defer { shell.session.close() }
        shell.prepareAhead(
            "\nm = tracepoint:sched:sched_switch {\n  @s[comm] = count();\n}\nprobes\nn = BEGIN { @n = 1; }")
        XCTAssertEqual(entries(), 1, "only the first statement")
        XCTAssertTrue(shell.execute("m = tracepoint:sched:sched_switch {\n  @s[comm] = count();\n}"), errors.joined())
        XCTAssertTrue(try XCTUnwrap(shell.session.probe(named: "m")).compiled.fromCache)
    }

    func testALineStillBeingTypedChangesNothing() throws {
        let shell = shell()
        defer { shell.session.close() }
        for partial in [
            "b = tracepoint:sched:sched_wakeup { @w = count(",
            "b = tracepoint:sched:sched_wakeup { @w = count(); } x }",
            "b = tracepoint:sched:no_such_event { @w = count(); }",
            "probes", "!true {}", "",
        ] {
            shell.prepareAhead(partial)
        }
        XCTAssertEqual(entries(), 0, "nothing compiled")
        XCTAssertTrue(shell.session.probes.isEmpty)
        XCTAssertTrue(errors.isEmpty, "nothing reported while typing: \(errors)")
    }

    func testWithoutACacheNothingIsCompiledAhead() throws {
        let shell = shell(cached: false)
        defer { shell.session.close() }
        let line = "b = tracepoint:sched:sched_wakeup { @w = count(); }"
        XCTAssertFalse(shell.session.prepare(name: "b", text: "tracepoint:sched:sched_wakeup { @w = count(); }"))
        shell.prepareAhead(line)
        XCTAssertTrue(shell.execute(line), errors.joined())
        XCTAssertFalse(try XCTUnwrap(shell.session.probe(named: "b")).compiled.fromCache)
        XCTAssertEqual(entries(), 0)
    }
}
