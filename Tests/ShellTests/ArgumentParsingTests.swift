import Arguments
import XCTest

/// The quick parser and swift-argument-parser agree on every command line the quick parser
/// accepts; what it leaves alone, swift-argument-parser decides.
final class ArgumentParsingTests: XCTestCase {
    /// Command lines the quick parser takes (the forms of everyday use and of the benchmarks).
    let quick: [[String]] = [
        [],
        ["-e", #"BEGIN { printf("hi\n"); exit(); }"#],
        ["-e", "tracepoint:syscalls:sys_enter_openat { @[comm] = count(); }", "--dry-run"],
        ["--dry-run", "-e", "BEGIN { }"],
        ["-e", ""],
        ["-e", "BEGIN { }", "-f", "json"],
        ["-e", "BEGIN { }", "-c", "sleep 1", "--unsafe"],
        ["-e", "uprobe:/bin/bash:readline { }", "-p", "1234"],
        ["-e", "BEGIN { }", "--emit-llvm", "--trace-self"],
        ["tool.bt"],
        ["tool.bt", "10", "hello"],
        ["tool.bt", "", "x y"],
        ["--dry-run", "tool.bt", "5"],
        ["tool.bt", "5", "--dry-run"],
        ["-l"],
        ["-l", "tracepoint:sched:*"],
        ["-l", "-v", "tracepoint:syscalls:sys_enter_open*"],
        ["-v", "-l"],
        ["-l", "-e", "tracepoint:*"],
        ["session.bpfsh"],
        ["session.bpfsh", "PID=42", "--check"],
        ["--check", "--keep-going", "script.txt"],
        ["session.bpfsh", "--interactive"],
        ["--record", "out.bpfsh"],
        ["--max-wait", "5s", "recorded.bpfsh"],
        ["--notebook", "a.md", "--notebook", "b.ipynb", "--force"],
        ["tutorial"],
        ["tutorial", "cpus", "--auto"],
        ["--serve"],
        ["-p", "0", "-e", "BEGIN { }"],
        ["--info"],
        ["-k", "-e", "BEGIN { }"],
        ["-B", "none", "-e", "BEGIN { }", "-o", "out.txt"],
        ["-e", "interval:ms:200 { exit(); }", "--probe-filter", ":200"],
    ]

    /// Command lines left to swift-argument-parser: help, errors and the rarer spellings.
    let delegated: [[String]] = [
        ["-h"], ["--help"], ["--version"], ["help"],
        ["--generate-completion-script", "bash"],
        ["-lv"],
        ["-eBEGIN{}"],
        ["--record=out.bpfsh"],
        ["-e"],
        ["-e", "-l"],
        ["-e", "a", "-e", "b"],
        ["-l", "-l"],
        ["--", "tool.bt"],
        ["tool.bt", "--", "--name=value"],
        ["--probe-filter=:200", "-e", "BEGIN { }"],
        ["-Bfull", "-e", "BEGIN { }"],
        ["tool.bt", "-5"],
        ["-p", "abc", "-e", "BEGIN { }"],
        ["-p", "99999999999", "-e", "BEGIN { }"],
        ["-p", "-1"],
        ["--no-such-flag"],
        ["-x"],
        ["-"],
    ]

    func testBothParsersAgreeOnTheCommonForms() throws {
        for words in quick {
            let fast = try XCTUnwrap(QuickParser.parse(words), "the quick parser should take \(words)")
            let full = try BPFShellCommand.parse(words).invocation
            XCTAssertEqual(fast, full, "\(words)")
        }
    }

    func testTheRestIsLeftToSwiftArgumentParser() throws {
        for words in delegated {
            XCTAssertNil(QuickParser.parse(words), "\(words) is swift-argument-parser's to decide")
        }
        // Its answers to some of them: parsed, or an error with its message.
        XCTAssertEqual(try BPFShellCommand.parse(["-lv"]).invocation.verbose, true)
        XCTAssertEqual(try BPFShellCommand.parse(["--record=out.bpfsh"]).invocation.record, "out.bpfsh")
        XCTAssertEqual(try BPFShellCommand.parse(["--", "tool.bt"]).invocation.arguments, ["tool.bt"])
        // `--` ends bpfsh's options: what follows is the program's (getopt's --name=value).
        XCTAssertEqual(
            try BPFShellCommand.parse(["tool.bt", "--", "--name=value", "-x"]).invocation.arguments,
            ["tool.bt", "--name=value", "-x"])
        XCTAssertEqual(
            try BPFShellCommand.parse(["-e", "BEGIN { }", "--", "--verbose"]).invocation.arguments, ["--verbose"])
        XCTAssertEqual(try BPFShellCommand.parse(["--probe-filter=:200"]).invocation.probeFilter, ":200")
        XCTAssertEqual(try BPFShellCommand.parse(["-Bfull"]).invocation.buffering, "full")
        let options = try XCTUnwrap(QuickParser.parse(["-k", "--info", "-B", "line", "--probe-filter", "x"]))
        XCTAssertTrue(options.probeReadErrors && options.info)
        XCTAssertEqual(options.buffering, "line")
        XCTAssertEqual(options.probeFilter, "x")
        XCTAssertThrowsError(try BPFShellCommand.parse(["-p", "abc"]))
        XCTAssertThrowsError(try BPFShellCommand.parse(["--no-such-flag"]))
        XCTAssertTrue(BPFShellCommand.helpMessage().contains("--dry-run"))
    }

    /// Every option of the full parser is known to the quick one, so a new option cannot be
    /// silently taken as a positional argument by the fast path.
    func testTheQuickParserKnowsEveryOptionOfTheFullOne() {
        // The option lines of --help: "  -e <program>   Program text...", "  -h, --help ...".
        let lines = BPFShellCommand.helpMessage(columns: 1000).split(separator: "\n")
            .map { $0.drop { $0 == " " } }.filter { $0.hasPrefix("-") }
        let names = lines.flatMap { line in
            line.components(separatedBy: "  ")[0].components(separatedBy: ", ").map {
                $0.components(separatedBy: " ")[0]
            }
        }
        XCTAssertTrue(names.contains("--dry-run") && names.contains("-e"), "\(names)")
        let builtIn: Set<String> = ["-h", "--help", "--version"]
        for name in Set(names).subtracting(builtIn) {
            XCTAssertNotNil(
                QuickParser.parse([name] + (QuickParser.options.contains(name) ? ["1"] : [])),
                "\(name) is in --help but not in the quick parser")
        }
    }
}
