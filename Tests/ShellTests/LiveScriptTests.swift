import Foundation
import TestSupport
import XCTest

/// Session scripts, recordings and notebooks against the real kernel, through the executable.
final class LiveScriptTests: XCTestCase {
    /// Runs bpfsh with `arguments` (and `stdin` as its input), returning status and output
    /// (stdout then stderr).
    func bpfsh(
        _ arguments: [String], stdin: String = "", in directory: String
    ) throws -> (status: Int32, output: String) {
        let input = directory + "/stdin-\(UUID().uuidString)"
        try stdin.write(toFile: input, atomically: true, encoding: .utf8)
        let quoted = ([KernelTestGate.executable.path] + arguments).map { "'" + $0 + "'" }.joined(separator: " ")
        let result = try CommandRunner.run(
            URL(fileURLWithPath: "/bin/sh"), ["-c", "\(quoted) < '\(input)' 2>&1"], readyMarker: nil, timeout: 60)
        return (result.status, result.stdout)
    }

    func testARecordedSessionReplaysToTheSameTables() throws {
        try KernelTestGate.require()
        let directory = try temporaryDirectory()
        let (first, second) = (directory + "/first", directory + "/second")
        for folder in [first, second] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        let typed = """
            param out = \(first)
            spawn sh -c 'while :; do ls / > /dev/null; done'
            sys = tracepoint:raw_syscalls:sys_enter /comm == "ls"/ {
              @calls[comm] = count();
            }
            detach nobody
            wait 1s
            save @calls ${out}/calls.csv
            """
        let recording = directory + "/rec.bpfsh"
        let typedRun = try bpfsh(["--record", recording], stdin: typed, in: directory)
        XCTAssertEqual(typedRun.status, 0, typedRun.output)
        let recorded = try String(contentsOfFile: recording, encoding: .utf8)
        XCTAssertTrue(recorded.contains("# failed: detach nobody"), recorded)
        XCTAssertTrue(recorded.contains("save @calls ${out}/calls.csv"), "parameters are kept as written:\n" + recorded)

        let replay = try bpfsh([recording, "out=\(second)"], in: directory)
        XCTAssertEqual(replay.status, 0, replay.output)
        let before = try String(contentsOfFile: first + "/calls.csv", encoding: .utf8).split(separator: "\n")
        let after = try String(contentsOfFile: second + "/calls.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(before.first, after.first, "same columns")
        // Rows are map,key,kind,value...
        func keys(_ lines: [Substring]) -> Set<String> {
            Set(lines.dropFirst().map { String($0.split(separator: ",")[1]) })
        }
        XCTAssertEqual(keys(before), ["ls"])
        XCTAssertEqual(keys(before), keys(after), "same keys")
    }

    func testCheckedScriptWritesNotebooksWithTablesAndALinkedFlameGraph() throws {
        try KernelTestGate.require()
        let directory = try temporaryDirectory()
        let script = directory + "/profile.bpfsh"
        try """
        # Where does dd spend its CPU time?
        param dir = /tmp
        spawn dd if=/dev/zero of=/dev/null bs=1M
        prof = profile:hz:199 /comm == "dd"/ { @stacks[kstack] = count(); @by_comm[comm] = count(); }
        wait 1s
        top @by_comm 3
        flame @stacks > ${dir}/cpu.svg --force
        expect @by_comm has dd
        expect @stacks rows >= 1
        expect file ${dir}/cpu.svg
        """.write(toFile: script, atomically: true, encoding: .utf8)
        let run = try bpfsh(
            [
                "--check", script, "dir=\(directory)", "--notebook", directory + "/n.md", "--notebook",
                directory + "/n.ipynb",
            ], in: directory)
        XCTAssertEqual(run.status, 0, run.output)
        XCTAssertTrue(run.output.contains("check \(script): 3 of 3 expectations held"), run.output)

        let markdown = try String(contentsOfFile: directory + "/n.md", encoding: .utf8)
        for statement in [
            "spawn dd if=/dev/zero", "prof = profile:hz:199", "wait 1s", "top @by_comm 3", "flame @stacks",
            "expect file",
        ] {
            XCTAssertTrue(markdown.contains("```bpfsh\n" + statement), "\(statement) missing:\n" + markdown)
        }
        XCTAssertTrue(markdown.contains("| key | @by_comm |"), markdown)
        XCTAssertTrue(markdown.contains("![cpu.svg](cpu.svg)"), markdown)
        XCTAssertTrue(markdown.contains("prof attached"), markdown)

        let jupyter = try String(contentsOfFile: directory + "/n.ipynb", encoding: .utf8)
        XCTAssertTrue(jupyter.contains("top @by_comm 3"), jupyter)
        let hasNBFormat = Spawn.run("/usr/bin/python3", ["-c", "import nbformat"]).status == 0
        if hasNBFormat || KernelTestGate.isRequired {
            let validation = Spawn.run(
                "/usr/bin/python3",
                [
                    "-c",
                    """
                    import nbformat, sys
                    nb = nbformat.read(sys.argv[1], as_version=4)
                    nbformat.validate(nb)
                    print(len(nb.cells), "cells valid")
                    """, directory + "/n.ipynb",
                ], timeout: 30)
            XCTAssertEqual(
                validation.status, 0, "nbformat rejects the notebook (python3-nbformat comes from scripts/setup)")
            XCTAssertEqual(validation.output, "10 cells valid\n", "a header cell and one per statement")
        }
    }

    func testCheckFailsOnUnmetExpectationsAndBrokenScriptsNameTheirLine() throws {
        try KernelTestGate.require()
        let directory = try temporaryDirectory()
        let unmet = directory + "/unmet.bpfsh"
        try """
        sys = tracepoint:raw_syscalls:sys_enter { @calls[comm] = count(); }
        wait 200ms
        expect @calls
        expect @calls has no-such-process
        """.write(toFile: unmet, atomically: true, encoding: .utf8)
        let failed = try bpfsh(["--check", unmet], in: directory)
        XCTAssertEqual(failed.status, 1, failed.output)
        XCTAssertTrue(
            failed.output.contains("\(unmet):4: expectation failed: expect @calls has no-such-process"), failed.output)
        XCTAssertTrue(failed.output.contains("1 of 2 expectations held · FAILED"), failed.output)

        let broken = directory + "/broken.bpfsh"
        try """
        # the second probe has a typo in its tracepoint
        ok = tracepoint:sched:sched_switch { @s = count(); }

        typo = tracepoint:sched:sched_swtch {
          @t = count();
        }
        print @s
        """.write(toFile: broken, atomically: true, encoding: .utf8)
        let stopped = try bpfsh([broken], in: directory)
        XCTAssertEqual(stopped.status, 1, stopped.output)
        XCTAssertTrue(stopped.output.contains("\(broken):4:"), stopped.output)
        XCTAssertTrue(stopped.output.contains("sched_switch"), "a did-you-mean suggestion:\n" + stopped.output)
        XCTAssertTrue(
            stopped.output.contains("\(broken):4: script stopped here (2 of 3 statements run)"), stopped.output)
        XCTAssertFalse(stopped.output.contains("@s: "), "nothing after the error runs:\n" + stopped.output)
    }
}
