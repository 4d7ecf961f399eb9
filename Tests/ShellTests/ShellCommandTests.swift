import LanguageTestSupport
import Session
@testable import Shell
import TestSupport
import XCTest

/// Scripted input through the shell against the in-memory kernel.
final class ShellCommandTests: XCTestCase {
    public final class ScriptReader: LineReader {
        var lines: [String]
        init(_ lines: [String]) { self.lines = lines }
        func readLine(prompt: String) -> (line: String?, interrupted: Bool) {
            lines.isEmpty ? (nil, false) : (lines.removeFirst(), false)
        }
        func remember(_ statement: String) {}
        func printAbovePrompt(_ text: String) {}
        var isInteractive: Bool { false }
        func close() {}
    }

    var kernel: FakeKernel!
    var out = ""
    var err = ""

    func run(_ lines: [String]) -> Shell {
        kernel = FakeKernel()
        out = ""
        err = ""
        var shell: Shell!
        let session = TracingSession(backend: kernel, catalogue: FakeCatalogue(), write: { shell?.probeOutput($0) })
        shell = Shell(
            session: session, reader: ScriptReader(lines), output: { [unowned self] in out += $0 },
            errors: { [unowned self] in err += $0 })
        shell.run()
        return shell
    }

    func testDefineListDetachAndDrop() {
        let shell = run([
            "sys = tracepoint:raw_syscalls:sys_enter { @calls[comm] = count(); }",
            "run = tracepoint:sched:sched_switch {",
            "  @s = count(); }",
            "detach sys",
            "probes",
            "drop run",
        ])
        XCTAssertEqual(err, "")
        XCTAssertTrue(out.contains("sys attached · 1 attach point · map @calls"), out)
        XCTAssertTrue(out.contains("run attached"), out)
        XCTAssertTrue(out.contains("sys detached"), out)
        XCTAssertNotNil(
            out.range(of: #"sys\s+detached\s+tracepoint:raw_syscalls:sys_enter"#, options: .regularExpression), out)
        XCTAssertEqual(shell.session.probes.map(\.name), ["sys"])
    }

    func testPastedProgramGetsAName() {
        let shell = run(["tracepoint:sched:sched_switch { @n = count(); }"])
        XCTAssertEqual(shell.session.probes.map(\.name), ["p1"])
    }

    func testErrorsAreReportedAndTheSessionGoesOn() {
        let shell = run([
            "ok = tracepoint:sched:sched_switch { @s = count(); }",
            "bad = tracepoint:sched:sched_switch { @s = sum(1); }",
            "nonsense here",
            "detach nobody",
            "print @missing",
            "wait soon",
            "probes",
        ])
        XCTAssertTrue(err.contains("bad:1:"), err)
        XCTAssertTrue(err.contains("unknown command 'nonsense'"), err)
        XCTAssertTrue(err.contains("no probe named 'nobody'"), err)
        XCTAssertTrue(err.contains("no map named '@missing'"), err)
        XCTAssertTrue(err.contains("usage: wait DURATION"), err)
        XCTAssertEqual(shell.session.probes.map(\.name), ["ok"])
        XCTAssertEqual(kernel.attached, ["tracepoint:sched:sched_switch"])
    }

    func testHelpCoversEveryCommand() {
        let shell = run(["help"])
        for command in shell.commands {
            XCTAssertTrue(out.contains(command.usage), "help lacks \(command.name)")
        }
        _ = run(["help wait"])
        XCTAssertTrue(out.contains("DURATION is like 2s"), out)
    }

    func testHelpIsGroupedByTopicAndFitsTheWidth() {
        let shell = run([])
        let text = HelpTopics.render(shell.commands, width: 80)
        for line in text.split(separator: "\n") {
            XCTAssertLessThanOrEqual(line.count, 80, "wider than 80 columns: \(line)")
        }
        for topic in ["probes:", "maps and tables:", "files:", "scripts and notebooks:", "time:", "workloads:"] {
            XCTAssertTrue(text.contains("\n\(topic)\n"), "no \(topic) heading:\n\(text)")
        }
        let listed = Set(HelpTopics.topics.flatMap(\.commands))
        XCTAssertEqual(
            shell.commands.map(\.name).filter { !listed.contains($0) }, [],
            "every command has a topic in HelpTopics (else it shows under \"more\")")
        XCTAssertEqual(HelpTopics.wrap("a bb ccc dddd eeeee", width: 12), ["a bb ccc", "dddd eeeee"])
    }

    func testMapsAndJoin() throws {
        let shell = run([
            "r = tracepoint:sched:sched_switch { @reads[comm] = count(); }",
            "w = tracepoint:sched:sched_wakeup { @writes[comm] = count(); }",
        ])
        let reads = try XCTUnwrap(kernel.maps.first { $0.spec.name == "@reads" })
        let writes = try XCTUnwrap(kernel.maps.first { $0.spec.name == "@writes" })
        func comm(_ s: String) -> [UInt8] { Array(s.utf8) + [UInt8](repeating: 0, count: 16 - s.utf8.count) }
        func count(_ n: UInt64) -> [[UInt8]] { [withUnsafeBytes(of: n) { Array($0) }] }
        reads.storage[comm("bash")] = count(5)
        reads.storage[comm("sshd")] = count(2)
        writes.storage[comm("bash")] = count(1)
        out = ""
        shell.execute("join @reads @writes")
        XCTAssertEqual(
            out,
            """
            key   @reads  @writes
            bash       5        1
            sshd       2

            """)
        out = ""
        shell.execute("maps")
        XCTAssertTrue(out.contains("@reads"), out)
        XCTAssertNotNil(out.range(of: #"@reads\s+string\[16\]\s+count\(\)\s+2\s+r"#, options: .regularExpression), out)
    }

    func testQuitEndsTheLoopAndShutdownReleasesEverything() {
        let shell = run([
            "a = tracepoint:sched:sched_switch { @s = count(); }", "quit",
            "b = tracepoint:sched:sched_switch { @t = count(); }",
        ])
        XCTAssertEqual(shell.session.probes.map(\.name), ["a"], "nothing after quit runs")
        shell.shutdown()
        // The process ends next: the kernel's release of the links is left to another one.
        XCTAssertEqual(kernel.leftForRelease, ["tracepoint:sched:sched_switch"])
        XCTAssertTrue(kernel.attached.isEmpty)
        XCTAssertTrue(kernel.openMaps.isEmpty)
    }
}

/// Table commands over a map filled by hand in the fake kernel.
final class TableCommandTests: XCTestCase {
    func testTopWhereSnapshotAndDiff() throws {
        let kernel = FakeKernel()
        var out = "", err = ""
        var shell: Shell!
        let session = TracingSession(backend: kernel, catalogue: FakeCatalogue(), write: { shell?.probeOutput($0) })
        shell = Shell(
            session: session, reader: ShellCommandTests.ScriptReader([]), output: { out += $0 }, errors: { err += $0 })
        shell.execute("r = tracepoint:sched:sched_switch { @c[comm] = count(); }")
        let map = try XCTUnwrap(kernel.maps.first { $0.spec.name == "@c" })
        func comm(_ s: String) -> [UInt8] { Array(s.utf8) + [UInt8](repeating: 0, count: 16 - s.utf8.count) }
        func count(_ n: UInt64) -> [[UInt8]] { [withUnsafeBytes(of: n) { Array($0) }] }
        map.storage[comm("bash")] = count(5)
        map.storage[comm("sshd")] = count(20)
        map.storage[comm("cron")] = count(1)

        out = ""
        shell.execute("top @c 2")
        XCTAssertEqual(out, "key   @c\nsshd  20\nbash   5\n")
        out = ""
        shell.execute("where @c value >= 5 and key ~ \"sh\"")
        XCTAssertEqual(out, "key   @c\nbash   5\nsshd  20\n")
        shell.execute("snapshot @c as before")
        map.storage[comm("bash")] = count(7)
        out = ""
        shell.execute("diff before @c")
        XCTAssertTrue(out.contains("@c[bash]: 2"), out)
        err = ""
        shell.execute("where @c value >> 3")
        XCTAssertTrue(err.contains("^"), "a parse error points at its position: \(err)")
        shell.execute("top nothing")
        XCTAssertTrue(err.contains("no table named 'nothing'"), err)
    }
}
