import Foundation
import Language
import LanguageTestSupport
import Session
import Shell
import TestRandom
import TestSupport
import XCTest

/// Random and mutated statements through the shell's command handling against the in-memory
/// kernel, seeded from real shell commands, the front end's seed programs and the runtime
/// corpus: each statement ends in output or an error message, never a crash or a hang, and
/// the shell keeps answering. The classifier, the input assembler and completion get the
/// same inputs. Seeds are fixed, so a failure reproduces.
final class ShellFuzzTests: XCTestCase {
    struct Source: CompletionSource {
        func tracepointCategories() -> [String] { ["sched", "syscalls", "raw_syscalls"] }
        func tracepointEvents(in category: String) -> [String] {
            category == "sched" ? ["sched_switch", "sched_wakeup"] : ["sys_enter_openat", "sys_enter"]
        }
        func tracepointFields(category: String, event: String) -> [String] { ["prev_comm", "prev_pid", "next_pid"] }
        func rawTracepoints() -> [String] { ["sched_switch"] }
        func softwareEvents() -> [String] { ["cpu-clock"] }
        func functions(in binary: String, prefix: String) -> [String] {
            ["malloc", "free"].filter { $0.hasPrefix(prefix) }
        }
        func binaries(prefix: String) -> [String] { ["libc", "/bin/bash"].filter { $0.hasPrefix(prefix) } }
    }

    static let directory: String = {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bpfsh-shellfuzz-\(getpid())").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let csv =
            "map,key:string,kind,value,total,count,bucket,low,high\n"
            + "@calls,bash,count,30,,,,,\n@calls,sshd,count,12,,,,,\n"
        try? csv.write(toFile: path + "/t.csv", atomically: true, encoding: .utf8)
        return path
    }()

    static var commandSeeds: [String] {
        [
            "sys = tracepoint:raw_syscalls:sys_enter { @calls[comm] = count(); }",
            "run = tracepoint:sched:sched_switch /args.prev_pid != 0/ { @s = count(); @h = hist(args.prev_pid); "
                + "@l[args.next_pid] = lhist(args.prev_pid, 0, 100, 10); }",
            "tracepoint:sched:sched_switch { @q[args.prev_comm] = count(); }",
            "probes", "show sys", "show run --ir", "show sys --asm", "detach sys", "attach sys", "drop run",
            "detach all", "drop all",
            "maps", "print @calls", "print @calls 5", "clear @calls", "join @calls @s", "merge @s @calls",
            "top @calls 5 by value", "sort @calls by key asc", "where @calls value > 100 and key ~ \"ssh\"", "hist @h",
            "hist @s linear 0 100 10",
            "snapshot @calls as before", "diff before @calls", "tables", "stack fold @calls", "help", "help top",
            "? where", "jobs", "stop 1",
            "stop all", "kernel", "load \(directory)/t.csv as t", "top t 1", "where t key == \"bash\"", "# a comment",
            "// another",
            "bogus command", "x = ", "= tracepoint:sched:sched_switch { }", "print", "top", "hist @nosuch",
        ]
    }

    static let fragments = [
        " ", "\n", "{", "}", "@", "@calls", "@s", "$", "\"", "'", "=", "==", ">", "> ", "~", "by", "as", "all", "--ir",
        "--asm",
        "--force", "linear", "every", "0", "-1", "99999999999999999999", "1e9", "t", "before", "sys", "run", "key",
        "value",
        "key1", "and", "or", "not", ":", "tracepoint:", "/", "#", "\t", "é", "\u{0}", "5", "asc", "desc", "count()",
    ]

    static func mutate(_ text: String, seeds: [String], rng: inout SeededGenerator) -> String {
        var words = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            let n = words.count
            switch Int.random(in: 0..<7, using: &rng) {
            case 0: words.insert(fragments.randomElement(using: &rng)!, at: Int.random(in: 0...n, using: &rng))
            case 1: if n > 1 { words.remove(at: Int.random(in: 0..<n, using: &rng)) }
            case 2: if n > 0 { words[Int.random(in: 0..<n, using: &rng)] = fragments.randomElement(using: &rng)! }
            case 3:  // a word of another seed
                let other = seeds.randomElement(using: &rng)!.split(separator: " ").map(String.init)
                if let word = other.randomElement(using: &rng) {
                    words.insert(word, at: Int.random(in: 0...n, using: &rng))
                }
            case 4: if n > 1 { words.swapAt(Int.random(in: 0..<n, using: &rng), Int.random(in: 0..<n, using: &rng)) }
            case 5:  // cut the statement short
                var bytes = Array(words.joined(separator: " ").utf8)
                if !bytes.isEmpty { bytes.removeLast(Int.random(in: 0..<bytes.count, using: &rng)) }
                words = String(decoding: bytes, as: UTF8.self).split(separator: " ", omittingEmptySubsequences: false)
                    .map(String.init)
            default:  // one byte anywhere
                var bytes = Array(words.joined(separator: " ").utf8)
                let byte = UInt8.random(in: 0...127, using: &rng)
                if bytes.isEmpty || Bool.random(using: &rng) {
                    bytes.insert(byte, at: Int.random(in: 0...bytes.count, using: &rng))
                } else {
                    bytes[Int.random(in: 0..<bytes.count, using: &rng)] = byte
                }
                words = String(decoding: bytes, as: UTF8.self).split(separator: " ", omittingEmptySubsequences: false)
                    .map(String.init)
            }
        }
        return words.joined(separator: " ")
    }

    /// Statements that must not run in a test: anything reaching outside the process (shell
    /// commands, workloads, files written, files read from a path the fuzzer made up) or
    /// waiting in real time. Commands the table does not know are safe: they are errors.
    static func isSafe(_ statement: String, shell: Shell) -> Bool {
        let text = statement.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("!") { return false }
        if StatementClassifier.definition(text) != nil || StatementClassifier.looksLikeProgram(text) { return true }
        guard let first = StatementClassifier.words(text).first, let command = shell.command(named: first) else {
            return true
        }
        let safe: Set<String> = [
            "probes", "show", "attach", "detach", "drop", "maps", "print", "clear", "join", "kernel", "jobs", "stop",
            "help", "top", "sort", "where", "hist", "snapshot", "diff", "tables",
        ]
        if safe.contains(command.name) { return true }
        if command.name == "stack" { return !text.contains(">") }
        if command.name == "load" {
            let words = StatementClassifier.words(text)
            return words.count >= 2 && words[1] == directory + "/t.csv"
        }
        return false
    }

    /// Statements a command may answer with silence (success with nothing to say).
    static let silentCommands: Set<String> = ["stop"]

    func testMutatedAndRandomStatements() throws {
        let inputs = 10_000
        final class State: @unchecked Sendable {
            var done = 0
            var current = ""
            var silent: [String] = []
            var executed = 0
        }
        let state = State()
        let finished = DispatchSemaphore(value: 0)
        let seeds = ShellFuzzTests.commandSeeds + seedPrograms + corpusPrograms
        XCTAssertGreaterThan(corpusPrograms.count, 100, "the runtime corpus was found")
        let thread = Thread {
            var rng = SeededGenerator(seed: 0xB9F5_5E11)
            var out = "", err = ""
            var shell: Shell!
            func fresh() {
                let session = TracingSession(
                    backend: FakeKernel(), catalogue: FakeCatalogue(), write: { text in shell?.probeOutput(text) })
                shell = Shell(session: session, reader: NoInputReader(), output: { out += $0 }, errors: { err += $0 })
                for seed in ShellFuzzTests.commandSeeds.prefix(3) { shell.execute(seed) }
            }
            fresh()
            for index in 0..<inputs {
                // Every 500 inputs, a new session, so some runs start with probes and maps.
                if index % 500 == 0 {
                    shell.shutdown()
                    fresh()
                }
                let statement: String
                switch Int.random(in: 0..<10, using: &rng) {
                case 0:  // printable soup
                    statement = String(
                        decoding: (0..<Int.random(in: 0...60, using: &rng)).map { _ in
                            UInt8.random(in: 32...126, using: &rng)
                        }, as: UTF8.self)
                case 1:  // fragments
                    statement = (0..<Int.random(in: 1...8, using: &rng)).map { _ in
                        ShellFuzzTests.fragments.randomElement(using: &rng)!
                    }.joined(separator: " ")
                case 2: statement = ShellFuzzTests.commandSeeds.randomElement(using: &rng)!
                default: statement = ShellFuzzTests.mutate(seeds.randomElement(using: &rng)!, seeds: seeds, rng: &rng)
                }
                state.current = statement
                // Line editing helpers on the same text, and on every prefix of short ones.
                _ = StatementClassifier.definition(statement)
                _ = StatementClassifier.looksLikeProgram(statement)
                _ = StatementClassifier.words(statement)
                var assembler = InputAssembler()
                for line in statement.split(separator: "\n", omittingEmptySubsequences: false) {
                    _ = assembler.add(String(line))
                }
                let completer = Completer(
                    source: Source(), commands: shell.commands.map(\.name),
                    probeNames: shell.session.probes.map(\.name),
                    mapNames: shell.session.mapInfos.map(\.name))
                _ = completer.complete(statement)
                if statement.utf8.count < 80 {
                    for cut in stride(from: 0, through: statement.count, by: 7) {
                        _ = completer.complete(String(statement.prefix(cut)))
                    }
                }

                guard ShellFuzzTests.isSafe(statement, shell: shell) else {
                    state.done += 1
                    continue
                }
                let before = out.utf8.count + err.utf8.count
                shell.execute(statement)
                state.executed += 1
                let text = statement.trimmingCharacters(in: .whitespacesAndNewlines)
                let word = StatementClassifier.words(text).first.flatMap { shell.command(named: $0)?.name }
                if out.utf8.count + err.utf8.count == before, !text.isEmpty, !text.hasPrefix("#"),
                    !text.hasPrefix("//"),
                    !ShellFuzzTests.silentCommands.contains(word ?? "")
                {
                    state.silent.append(statement)
                }
                if out.utf8.count > 1_000_000 { out = "" }
                if err.utf8.count > 1_000_000 { err = "" }
                state.done += 1
            }
            shell.shutdown()
            finished.signal()
        }
        thread.stackSize = 64 << 20
        thread.start()
        // A hang shows as no progress for 20 s.
        var last = -1
        while finished.wait(timeout: .now() + 20) == .timedOut {
            if state.done == last {
                XCTFail("the shell made no progress for 20 s on: \(state.current.debugDescription)")
                return
            }
            last = state.done
        }
        XCTAssertEqual(state.done, inputs)
        XCTAssertEqual(state.silent, [], "statements that ended in neither output nor an error")
        print("shell fuzz: \(inputs) statements, \(state.executed) executed by the shell, every one answered")
    }

    /// The assembler balances braces whatever the input: it never returns a statement with
    /// more `{` than `}`, and a reset always empties it.
    func testInputAssemblerOnRandomLines() {
        var rng = SeededGenerator(seed: 0xB9F5_A55E)
        let pieces = ["{", "}", "\"", "'", "\\", "/*", "*/", "//", "\n", "x", " ", "@a = count();", "\"}\"", "'{'"]
        for _ in 0..<5000 {
            var assembler = InputAssembler()
            for _ in 0..<Int.random(in: 1...6, using: &rng) {
                let line = (0..<Int.random(in: 0...8, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }
                    .joined()
                if let statement = assembler.add(line) {
                    XCTAssertLessThanOrEqual(InputAssembler.openBraces(in: statement), 0, statement.debugDescription)
                    XCTAssertFalse(assembler.isContinuing)
                }
            }
            assembler.reset()
            XCTAssertFalse(assembler.isContinuing)
        }
    }
}
