import Foundation
import LanguageTestSupport
import Session
import Tables
import TestSupport
import XCTest

@testable import Shell

/// A shell on the in-memory kernel, with its output captured.
final class FakeShell {
    let kernel = FakeKernel()
    var out = ""
    var err = ""
    var shell: Shell!

    init(lines: [String] = []) {
        let session = TracingSession(
            backend: kernel, catalogue: FakeCatalogue(), write: { [weak self] in self?.shell?.probeOutput($0) })
        shell = Shell(
            session: session, reader: ShellCommandTests.ScriptReader(lines), output: { [unowned self] in out += $0 },
            errors: { [unowned self] in err += $0 })
    }

    /// Sets `@name[comm]` counts in the fake kernel's map.
    func fill(_ name: String, _ counts: [String: UInt64]) throws {
        let map = try XCTUnwrap(kernel.maps.first { $0.spec.name == name })
        for (comm, n) in counts {
            map.storage[Array(comm.utf8) + [UInt8](repeating: 0, count: 16 - comm.utf8.count)] = [
                withUnsafeBytes(of: n) { Array($0) }
            ]
        }
    }
}

func temporaryDirectory(_ name: String = #function) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent(
        "bpfsh-\(name.filter(\.isLetter))-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    ).path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

final class ScriptFileTests: XCTestCase {
    func testStatementsKeepTheLineTheyStartOn() throws {
        let script = try ScriptFile(
            name: "s.bpfsh",
            text: """
                # a comment with a { brace
                a = tracepoint:sched:sched_switch { @n = count(); }

                b = tracepoint:sched:sched_switch {
                  // inside: a } in a comment does not close it
                  @m = count();
                }
                  wait 1s
                """)
        XCTAssertEqual(script.statements.map(\.line), [2, 4, 8])
        XCTAssertEqual(script.statements[2].text, "wait 1s")
        XCTAssertTrue(script.statements[1].text.hasSuffix("}"))
        XCTAssertEqual(try ScriptFile(name: "t", text: "\nprint @x", firstLine: 10).statements.map(\.line), [11])
    }

    func testAnUnclosedProbeNamesItsLine() {
        XCTAssertThrowsError(
            try ScriptFile(name: "s.bpfsh", text: "print @x\n\na = tracepoint:sched:sched_switch {\n @n = count();\n")
        ) { error in
            XCTAssertEqual(
                "\(error)", "s.bpfsh:3: error: this probe's '{' is never closed before the end of the script")
        }
    }

    func testParameters() throws {
        XCTAssertEqual(
            try ParameterSubstitution.apply(["pid": "42"], to: "a = t:x { if (pid == ${pid}) { @[$1] = count(); } }"),
            "a = t:x { if (pid == 42) { @[$1] = count(); } }")
        XCTAssertThrowsError(try ParameterSubstitution.apply([:], to: "wait ${secs}s")) { error in
            XCTAssertTrue("\(error)".contains("unknown parameter ${secs}: pass it as secs=VALUE"), "\(error)")
        }
        XCTAssertThrowsError(try ParameterSubstitution.apply(["a": "1"], to: "wait ${a"))
        XCTAssertEqual(try ParameterSubstitution.parse(["pid=1", "comm=a=b"]), ["pid": "1", "comm": "a=b"])
        XCTAssertThrowsError(try ParameterSubstitution.parse(["1x=2"]))
    }
}

final class ScriptRunnerTests: XCTestCase {
    func write(_ text: String, name: String = "s.bpfsh") throws -> String {
        let path = try temporaryDirectory() + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func testCompileErrorsPointIntoTheScriptAndStopIt() throws {
        let fake = FakeShell()
        let path = try write(
            """
            # comment
            ok = tracepoint:sched:sched_switch { @s = count(); }
            bad = tracepoint:sched:sched_switch {
              @x = nosuch(1);
            }
            never = tracepoint:sched:sched_switch { @t = count(); }
            """)
        let outcome = ScriptRunner().run(path: path, in: fake.shell)
        XCTAssertEqual(outcome.failures.map(\.line), [3])
        XCTAssertTrue(outcome.stopped)
        XCTAssertTrue(fake.err.contains("\(path):4:8: error: unknown function nosuch()"), fake.err)
        XCTAssertTrue(fake.err.contains("\(path):3: script stopped here (2 of 3 statements run)"), fake.err)
        XCTAssertEqual(fake.shell.session.probes.map(\.name), ["ok"])
    }

    func testCommandErrorsNameFileAndLineAndKeepGoingContinues() throws {
        let path = try write("detach nobody\n\nprint @nothing\nok = tracepoint:sched:sched_switch { @s = count(); }\n")
        let stopped = FakeShell()
        XCTAssertEqual(ScriptRunner().run(path: path, in: stopped.shell).failures.map(\.line), [1])
        XCTAssertTrue(stopped.err.contains("\(path):1: error: no probe named 'nobody'"), stopped.err)
        XCTAssertTrue(stopped.shell.session.probes.isEmpty)

        let going = FakeShell()
        let outcome = ScriptRunner(keepGoing: true).run(path: path, in: going.shell)
        XCTAssertEqual(outcome.failures.map(\.line), [1, 3])
        XCTAssertFalse(outcome.stopped)
        XCTAssertTrue(going.err.contains("\(path):3: error: no map named '@nothing'"), going.err)
        XCTAssertEqual(going.shell.session.probes.map(\.name), ["ok"])
    }

    func testParamDefaultsYieldToGivenValuesAndDoNotLeakOut() throws {
        let path = try write(
            "param secs = 5\nparam name = \"run\"\nwait ${secs}ms\n"
                + "${name} = tracepoint:sched:sched_switch { @s = count(); }\n"
        )
        let fake = FakeShell()
        XCTAssertTrue(ScriptRunner().run(path: path, parameters: ["secs": "1"], in: fake.shell).succeeded, fake.err)
        XCTAssertEqual(fake.shell.session.probes.map(\.name), ["run"])
        XCTAssertNil(fake.shell.parameters["secs"])
        XCTAssertEqual(
            fake.shell.history.map(\.statement).last, "${name} = tracepoint:sched:sched_switch { @s = count(); }",
            "history keeps what was written, so a recording replays with other parameters")
    }

    func testSourceRunsInTheShellAndKeepsItsProbes() throws {
        let path = try write("a = tracepoint:sched:sched_switch { @s = count(); }\n")
        let fake = FakeShell()
        XCTAssertTrue(fake.shell.execute("source \(path)"))
        XCTAssertEqual(fake.shell.session.probes.map(\.name), ["a"])
        XCTAssertFalse(fake.shell.execute("source /nonexistent/x.bpfsh"))
        XCTAssertTrue(fake.err.contains("/nonexistent/x.bpfsh: cannot read the script"), fake.err)
    }

    func testAScriptThatSourcesItselfIsRefusedWithTheChain() throws {
        // It ended in a segmentation fault (unbounded recursion), with no message.
        let directory = try temporaryDirectory()
        let a = directory + "/a.bpfsh", b = directory + "/b.bpfsh"
        try "x = tracepoint:sched:sched_switch { @s = count(); }\nsource \(b)\n".write(
            toFile: a, atomically: true, encoding: .utf8)
        try "\nsource \(directory)/./a.bpfsh\n".write(toFile: b, atomically: true, encoding: .utf8)
        let fake = FakeShell()
        XCTAssertFalse(fake.shell.execute("source \(a)"))
        XCTAssertTrue(
            fake.err.contains(
                "\(directory)/./a.bpfsh is already running (\(a):2 → \(b):2 → \(directory)/./a.bpfsh): "
                    + "a script cannot source itself, even through others"), fake.err)
        XCTAssertEqual(fake.shell.session.probes.map(\.name), ["x"], "what ran before stays")
        XCTAssertTrue(fake.shell.execute("source \(directory)/c.bpfsh") == false, "the shell goes on")
    }

    func testScriptsSourcingEachOtherTooDeeplyStop() throws {
        let directory = try temporaryDirectory()
        for level in 0..<20 {
            try "source \(directory)/s\(level + 1).bpfsh\n".write(
                toFile: directory + "/s\(level).bpfsh", atomically: true, encoding: .utf8)
        }
        let fake = FakeShell()
        XCTAssertFalse(fake.shell.execute("source \(directory)/s0.bpfsh"))
        XCTAssertTrue(fake.err.contains("scripts source each other more than 16 deep ("), fake.err)
        XCTAssertTrue(fake.err.contains("\(directory)/s15.bpfsh:1 → \(directory)/s16.bpfsh)"), fake.err)
    }
}

final class ExpectationTests: XCTestCase {
    func testExpectationsOnATable() throws {
        let fake = FakeShell()
        fake.shell.execute("r = tracepoint:sched:sched_switch { @c[comm] = count(); @empty[comm] = count(); }")
        try fake.fill("@c", ["bash": 5, "sshd": 20])
        let held = [
            "expect @c", "expect @c has bash", "expect @c where value > 10", "expect @c where key ~ ss and value >= 20",
            "expect @c rows == 2", "expect @c value in 1..20", "expect @c value >= 5",
        ]
        let failed = [
            "expect @c has cron", "expect @c where value > 100", "expect @c rows > 2", "expect @c value in 6..20",
            "expect @empty", "expect @missing", "expect output ~ hello",
        ]
        for statement in held + failed { XCTAssertTrue(fake.shell.execute(statement), statement) }
        let results = fake.shell.expectationResults
        XCTAssertEqual(
            results.map(\.held), held.map { _ in true } + failed.map { _ in false },
            results.map { "\($0.text): \($0.detail)" }.joined(separator: "\n"))
        XCTAssertTrue(
            fake.err.contains("expectation failed: expect @c has cron: no row with key cron among 2"), fake.err)
        XCTAssertTrue(fake.err.contains("expect @c value in 6..20: 1 of 2 rows do not, e.g. bash: 5"), fake.err)
        XCTAssertTrue(fake.err.contains("expect @missing: there is no table @missing"), fake.err)
    }

    func testOutputExpectationsSeeProbeOutputUntilReset() {
        let fake = FakeShell()
        fake.shell.probeOutput("exec ls\n")
        fake.shell.execute("expect output ~ exec ls")
        fake.shell.execute("expect output !~ cron")
        fake.shell.execute("expect output reset")
        fake.shell.execute("expect output ~ exec")
        XCTAssertEqual(fake.shell.expectationResults.map(\.held), [true, true, false])
    }

    func testOutputExpectationCountsTheLinesThatMentionIt() {
        let fake = FakeShell()
        fake.shell.probeOutput("exec ls\nexec man\nopen /etc/passwd\n")
        fake.shell.execute("expect output ~ man")
        fake.shell.execute("expect output ~ cron")
        XCTAssertEqual(
            fake.shell.expectationResults.map(\.detail),
            ["1 of 3 lines of output mention it", "none of 3 lines of output mention it"])
    }

    func testPercentileShareAndFileExpectationsSayWhatIsMissing() throws {
        var buckets: [Int: UInt64] = [:]
        buckets[14] = 300  // [4096, 8192): a time slice in µs
        buckets[5] = 20  // [8, 16)
        let slices = MapTable(
            name: "@sh_usecs", rows: [.init(key: [], cell: .histogram(.init(kind: .log2, buckets: buckets)))])
        let stacks = MapTable(
            name: "@dd_stacks",
            rows: [
                .init(key: [.stack(["iomap_dio_rw+14"]), .string("dd")], cell: .count(30)),
                .init(key: [.stack(["schedule+5"]), .string("dd")], cell: .count(70)),
            ])
        let empty = MapTable(name: "@empty_us", rows: [])
        let tables = [slices.name: slices, stacks.name: stacks, empty.name: empty]
        func check(_ text: String) throws -> (held: Bool, detail: String) {
            try Expectation.Statement.parse(StatementClassifier.words(text)).expectation.check(
                table: { tables[$0] }, output: "")
        }
        XCTAssertEqual(
            try check("@sh_usecs p50 >= 1000").detail, "p50 of @sh_usecs is in [4.1 ms, 8.2 ms) over 320 values")
        XCTAssertTrue(try check("@sh_usecs p50 >= 1000").held)
        XCTAssertEqual(
            try check("@sh_usecs p50 >= 10000").detail,
            "p50 of @sh_usecs is in [4.1 ms, 8.2 ms) over 320 values; expected >= 10 ms")
        XCTAssertTrue(try check("@sh_usecs max < 8192").held, "the max bucket's upper bound proves it")
        XCTAssertFalse(try check("@sh_usecs p50 > 5000").held, "the bucket does not prove more than its lower bound")
        XCTAssertEqual(
            try check("@empty_us p50 >= 1000").detail, "@empty_us is empty: no values were recorded, so it has no p50")
        XCTAssertTrue(try check("@dd_stacks share where key1 ~ iomap_dio >= 25%").held)
        XCTAssertEqual(
            try check("@dd_stacks share where key1 ~ iomap_dio >= 50%").detail,
            "rows where key1 ~ iomap_dio hold 30% of @dd_stacks (30 of 100, 1 of 2 rows); expected >= 50%")
        XCTAssertEqual(
            try check("@empty_us share where key ~ x >= 1%").detail,
            "@empty_us is empty: nothing was recorded, so no rows where key ~ x")
        let directory = try temporaryDirectory()
        try "<svg><title>iomap_dio_rw (30 samples)</title></svg>".write(
            toFile: directory + "/f.svg", atomically: true, encoding: .utf8)
        XCTAssertTrue(try check("file \(directory)/f.svg ~ iomap_dio_rw").held)
        XCTAssertEqual(
            try check("file \(directory)/f.svg ~ io_schedule").detail,
            "\(directory)/f.svg (51 bytes) does not mention io_schedule")
        let gated = try Expectation.Statement.parse(
            StatementClassifier.words(#"@empty_us where key != 0 else "no other CPU was idle""#))
        XCTAssertEqual(gated.otherwise, "no other CPU was idle")
        XCTAssertEqual(gated.expectation, Expectation.matches(table: "@empty_us", condition: "key != 0"))
    }

    func testAnExpectationThatTheMachineCannotShowIsSaidNotFailed() {
        let fake = FakeShell()
        XCTAssertTrue(fake.shell.execute(#"expect output ~ idle else "no CPU was idle here""#))
        XCTAssertEqual(fake.shell.expectationResults.last?.unshown, "no CPU was idle here")
        XCTAssertTrue(fake.out.contains("not shown on this machine: no CPU was idle here"), fake.out)
        XCTAssertFalse(fake.err.contains("expectation failed"), fake.err)
    }

    func testMalformedExpectationsAreErrorsWithUsage() {
        let fake = FakeShell()
        for statement in [
            "expect", "expect @c rows", "expect @c where value >", "expect @c value in 5", "expect output",
            "expect @c bogus words", "expect @c p50 ~ 3", "expect @c share where key ~ x >= 30", "expect @c else",
        ] {
            XCTAssertFalse(fake.shell.execute(statement), statement)
        }
        XCTAssertTrue(fake.err.contains("expect: "), fake.err)
        XCTAssertTrue(fake.shell.expectationResults.isEmpty)
    }
}

final class RecordingAndNotebookTests: XCTestCase {
    func testRecordingWritesAReplayableScript() throws {
        let directory = try temporaryDirectory()
        let path = directory + "/rec.bpfsh"
        let fake = FakeShell()
        var now = Date(timeIntervalSince1970: 1000)
        let recorder = try SessionRecorder(
            path: path, force: false, header: "recorded", probesAttached: { !fake.shell.session.probes.isEmpty },
            clock: { now })
        fake.shell.recorder = recorder
        fake.shell.listeners.append { recorder.observe($0) }
        fake.shell.execute("a = tracepoint:sched:sched_switch {\n  @s[comm] = count();\n}")
        now += 1  // the person watched for a while
        fake.shell.execute("print @s")
        fake.shell.execute("detach nobody")
        fake.shell.execute("history")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertEqual(
            text,
            """
            # recorded
            a = tracepoint:sched:sched_switch {
              @s[comm] = count();
            }
            wait 1.0s  # idle
            print @s
            # failed: detach nobody

            """)
        XCTAssertThrowsError(
            try SessionRecorder(path: path, force: false, header: "", probesAttached: { false }),
            "an existing file is not replaced without --force")

        // The recording replays: the same probes, and the comment lines are skipped.
        let replay = FakeShell()
        let outcome = ScriptRunner().run(path: path, in: replay.shell)
        XCTAssertTrue(outcome.succeeded, replay.err)
        XCTAssertEqual(replay.shell.session.probes.map(\.name), ["a"])
        XCTAssertEqual(replay.shell.history.map(\.statement).count, 3)
    }

    func testNestedStatementsAreCellsButNotRecordedTwice() throws {
        let directory = try temporaryDirectory()
        try "a = tracepoint:sched:sched_switch { @s = count(); }\nprint @s\n".write(
            toFile: directory + "/inner.bpfsh", atomically: true, encoding: .utf8)
        let fake = FakeShell()
        XCTAssertTrue(fake.shell.execute("record \(directory)/rec.bpfsh"))
        XCTAssertTrue(fake.shell.execute("notebook \(directory)/n.md"))
        XCTAssertTrue(fake.shell.execute("source \(directory)/inner.bpfsh"))
        fake.shell.execute("watch print @s every 1ms")
        fake.shell.shutdown()
        let recorded = try String(contentsOfFile: directory + "/rec.bpfsh", encoding: .utf8)
        XCTAssertTrue(recorded.hasSuffix("\nsource \(directory)/inner.bpfsh\nwatch print @s every 1ms\n"), recorded)
        XCTAssertEqual(
            fake.shell.history.map(\.statement).suffix(2),
            ["source \(directory)/inner.bpfsh", "watch print @s every 1ms"])
        let markdown = try String(contentsOfFile: directory + "/n.md", encoding: .utf8)
        XCTAssertTrue(
            markdown.contains("```bpfsh\na = tracepoint:sched:sched_switch"),
            "a sourced statement is a cell:\n" + markdown)
        XCTAssertEqual(
            markdown.components(separatedBy: "```bpfsh\nprint @s").count, 2,
            "one cell for the sourced print, none per watch refresh:\n" + markdown)
    }

    func testHistoryShowsAndSavesTheSession() throws {
        let path = try temporaryDirectory() + "/h.bpfsh"
        let fake = FakeShell()
        fake.shell.execute("a = tracepoint:sched:sched_switch { @s = count(); }")
        fake.shell.execute("frobnicate")
        fake.shell.execute("history")
        XCTAssertNotNil(fake.out.range(of: #"2\s+failed\s+frobnicate"#, options: .regularExpression), fake.out)
        XCTAssertTrue(fake.shell.execute("history save \(path)"))
        let saved = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(saved.contains("a = tracepoint:sched:sched_switch { @s = count(); }\n"), saved)
        XCTAssertFalse(saved.contains("frobnicate"), saved)
        XCTAssertFalse(fake.shell.execute("history save \(path)"), "no silent overwrite")
    }

    func testNotebooksHoldEveryCommandAndOutput() throws {
        let directory = try temporaryDirectory()
        let fake = FakeShell()
        XCTAssertTrue(fake.shell.execute("notebook \(directory)/n.md"))
        XCTAssertTrue(fake.shell.execute("notebook \(directory)/n.ipynb"))
        XCTAssertFalse(fake.shell.execute("notebook \(directory)/n.txt"))
        fake.shell.execute("r = tracepoint:sched:sched_switch { @c[comm] = count(); }")
        try fake.fill("@c", ["bash": 5, "a|b": 2])
        fake.shell.execute("top @c")
        fake.shell.probeOutput("exec ls ```\n")
        fake.shell.execute("nonsense")
        fake.shell.execute("notebook stop")
        fake.shell.execute("probes")  // after stop: not in the notebook

        let markdown = try String(contentsOfFile: directory + "/n.md", encoding: .utf8)
        XCTAssertTrue(markdown.hasPrefix("# bpfsh session\n\n- kernel: Linux "), markdown)
        XCTAssertTrue(
            markdown.contains("```bpfsh\nr = tracepoint:sched:sched_switch { @c[comm] = count(); }\n```"), markdown)
        XCTAssertTrue(markdown.contains("| key | @c |\n| --- | ---: |\n| bash | 5 |\n| a\\|b | 2 |\n"), markdown)
        XCTAssertTrue(
            markdown.contains("````text\nexec ls ```\n````"),
            "a fence longer than any backtick run inside:\n" + markdown)
        XCTAssertTrue(markdown.contains("### [3] (failed)"), markdown)
        XCTAssertTrue(markdown.contains("unknown command 'nonsense'"), markdown)
        XCTAssertFalse(markdown.contains("```bpfsh\nprobes"), markdown)
        XCTAssertFalse(markdown.contains("notebook"), "starting and stopping notebooks is not recorded:\n" + markdown)

        let data = try XCTUnwrap(FileManager.default.contents(atPath: directory + "/n.ipynb"))
        let notebook = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(notebook["nbformat"] as? Int, 4)
        let cells = try XCTUnwrap(notebook["cells"] as? [[String: Any]])
        XCTAssertEqual(cells.map { $0["cell_type"] as? String }, ["markdown", "code", "code", "code"])
        let sources = cells.dropFirst().map { ($0["source"] as? [String])?.joined() }
        XCTAssertEqual(sources, ["r = tracepoint:sched:sched_switch { @c[comm] = count(); }", "top @c", "nonsense"])
        let topOutputs = try XCTUnwrap(cells[2]["outputs"] as? [[String: Any]])
        let table = try XCTUnwrap(topOutputs.first?["data"] as? [String: Any])
        XCTAssertEqual((table["text/markdown"] as? [String])?.first, "| key | @c |\n")
        let errors = try XCTUnwrap(cells[3]["outputs"] as? [[String: Any]])
        XCTAssertEqual(errors.first?["name"] as? String, "stderr")
    }

    func testAFlameGraphOutsideTheNotebookFolderIsCopiedBesideIt() throws {
        let notebookFolder = try temporaryDirectory()
        let elsewhere = try temporaryDirectory("elsewhere")
        try "<svg/>".write(toFile: elsewhere + "/f.svg", atomically: true, encoding: .utf8)
        XCTAssertEqual(NotebookWriter.beside(notebookFolder, elsewhere + "/f.svg"), "f.svg")
        XCTAssertTrue(FileManager.default.fileExists(atPath: notebookFolder + "/f.svg"))
        try FileManager.default.createDirectory(atPath: notebookFolder + "/g", withIntermediateDirectories: true)
        XCTAssertEqual(NotebookWriter.beside(notebookFolder, notebookFolder + "/g/x.svg"), "g/x.svg")
    }
}

final class ShellCommandStatusTests: XCTestCase {
    func testAFailingShellCommandFailsItsStatement() {
        let fake = FakeShell()
        XCTAssertTrue(fake.shell.execute("! true"))
        XCTAssertFalse(fake.shell.execute("! exit 3"))
        XCTAssertTrue(fake.err.contains("! exit 3: exited with status 3"), fake.err)
    }
}

final class ForgetMapTests: XCTestCase {
    func testAForgottenMapNameTakesNewTypes() {
        let fake = FakeShell()
        XCTAssertTrue(fake.shell.execute("a = tracepoint:sched:sched_switch { @x[comm] = count(); }"))
        XCTAssertFalse(fake.shell.execute("forget @x"))
        XCTAssertTrue(fake.err.contains("@x is used by a: drop them first"), fake.err)
        XCTAssertTrue(fake.shell.execute("drop a"))
        XCTAssertFalse(
            fake.shell.execute("b = tracepoint:sched:sched_switch { @x = hist(1); }"), "the old layout still holds")
        XCTAssertTrue(fake.shell.execute("forget unused"))
        XCTAssertTrue(fake.out.contains("forgot @x"), fake.out)
        XCTAssertTrue(fake.shell.execute("b = tracepoint:sched:sched_switch { @x = hist(1); }"), fake.err)
        XCTAssertTrue(
            fake.kernel.openMaps.filter { $0 == "@x" }.count == 1, "the old map was closed: \(fake.kernel.openMaps)")
    }
}
