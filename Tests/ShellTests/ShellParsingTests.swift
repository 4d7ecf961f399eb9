import Language
import Shell
import XCTest

final class ShellParsingTests: XCTestCase {
    func testDefinitionsAreRecognised() {
        let definition = StatementClassifier.definition(
            "sys = tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }")
        XCTAssertEqual(definition?.0, "sys")
        XCTAssertEqual(definition?.1, "tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }")
        XCTAssertEqual(StatementClassifier.definition("b = BEGIN { exit(); }")?.0, "b")
        XCTAssertNil(StatementClassifier.definition("tracepoint:a:b { @x = 1; }"), "a program without a name")
        XCTAssertNil(StatementClassifier.definition("print @x"), "a command")
        XCTAssertNil(StatementClassifier.definition("1x = BEGIN { }"), "names start with a letter")
    }

    func testProgramsAreRecognised() {
        XCTAssertTrue(StatementClassifier.looksLikeProgram("BEGIN { printf(\"hi\\n\"); }"))
        XCTAssertTrue(StatementClassifier.looksLikeProgram("uprobe:/bin/bash:readline /pid == 1/ { }"))
        XCTAssertFalse(StatementClassifier.looksLikeProgram("probes"))
        XCTAssertFalse(StatementClassifier.looksLikeProgram("help show"))
    }

    func testWordsKeepQuotedText() {
        XCTAssertEqual(StatementClassifier.words("spawn \"sleep 10\"  x"), ["spawn", "sleep 10", "x"])
    }

    func testUnclosedBracesContinueTheStatement() {
        var assembler = InputAssembler()
        XCTAssertNil(assembler.add("run = tracepoint:sched:sched_switch {"))
        XCTAssertTrue(assembler.isContinuing)
        XCTAssertNil(assembler.add("  printf(\"}\"); // } in a string and a comment"))
        XCTAssertEqual(
            assembler.add("}"),
            "run = tracepoint:sched:sched_switch {\n  printf(\"}\"); // } in a string and a comment\n}")
        XCTAssertFalse(assembler.isContinuing)
        XCTAssertEqual(assembler.add("probes"), "probes")
    }

    func testAnAttachPointListContinuesAfterAComma() {
        var assembler = InputAssembler()
        XCTAssertNil(assembler.add("a = tracepoint:sched:sched_switch,"))
        XCTAssertEqual(
            assembler.add("    tracepoint:sched:sched_wakeup { @n = count(); }"),
            "a = tracepoint:sched:sched_switch,\n    tracepoint:sched:sched_wakeup { @n = count(); }")
        XCTAssertEqual(
            assembler.add("b = t:x:y { printf(\"a,\"); }"), "b = t:x:y { printf(\"a,\"); }",
            "a comma after the body does not continue")
    }

    func testDurations() {
        XCTAssertEqual(Duration.seconds("2s"), 2)
        XCTAssertEqual(Duration.seconds("500ms"), 0.5)
        XCTAssertEqual(Duration.seconds("1.5"), 1.5)
        XCTAssertEqual(Duration.seconds("2m"), 120)
        XCTAssertNil(Duration.seconds("soon"))
        XCTAssertNil(Duration.seconds("-1s"))
    }
}

/// Completion against a fixed description of the system.
final class CompleterTests: XCTestCase {
    struct Source: CompletionSource {
        func tracepointCategories() -> [String] { ["sched", "syscalls", "raw_syscalls"] }
        func tracepointEvents(in category: String) -> [String] {
            category == "sched" ? ["sched_switch", "sched_wakeup", "sched_wakeup_new"] : ["sys_enter_openat"]
        }
        func tracepointFields(category: String, event: String) -> [String] {
            event == "sched_switch" ? ["prev_comm", "prev_pid", "next_pid"] : []
        }
        func rawTracepoints() -> [String] { ["sched_switch"] }
        func softwareEvents() -> [String] { ["cpu-clock", "page-faults"] }
        func functions(in binary: String, prefix: String) -> [String] {
            ["malloc", "malloc_usable_size", "free"].filter { $0.hasPrefix(prefix) }
        }
        func binaries(prefix: String) -> [String] { ["libc"].filter { $0.hasPrefix(prefix) } }
    }

    func completer() -> Completer {
        Completer(
            source: Source(), commands: ["probes", "print", "show", "help"], probeNames: ["sys", "run"],
            mapNames: ["calls", "usecs"])
    }

    func testCommandsAndProviders() {
        XCTAssertEqual(completer().complete("pro").insert, "")
        XCTAssertEqual(Set(completer().complete("pr").candidates), ["print", "probes", "profile:"])
        XCTAssertEqual(completer().complete("sho").insert, "w ")
    }

    func testTutorialNamesAndScriptFiles() {
        var completer = completer()
        completer.tutorialNames = ["cpus", "memory"]
        XCTAssertEqual(completer.complete("tutorial m").insert, "emory ")
        XCTAssertEqual(completer.complete("tutorial cpus r").candidates, ["read", "restart"])
        XCTAssertEqual(
            completer.complete("source li").insert, "bc ", "file arguments complete from the file system source")
    }

    func testTracepointNames() {
        XCTAssertEqual(completer().complete("sys = tracepoint:sc").insert, "hed:")
        XCTAssertEqual(completer().complete("sys = tracepoint:sched:sched_sw").insert, "itch ")
        XCTAssertEqual(
            completer().complete("tracepoint:sched:sched_wak").candidates,
            ["tracepoint:sched:sched_wakeup", "tracepoint:sched:sched_wakeup_new"])
    }

    func testArgsFieldsOfTheTracepointBeingTyped() {
        XCTAssertEqual(
            completer().complete("r = tracepoint:sched:sched_switch { @[args.pr").candidates,
            ["args.prev_comm", "args.prev_pid"])
        XCTAssertEqual(completer().complete("r = tracepoint:sched:sched_switch { @[args->ne").insert, "xt_pid ")
    }

    func testUprobeFunctionsMapsAndProbeNames() {
        XCTAssertEqual(completer().complete("m = uprobe:libc:mall").insert, "oc")
        XCTAssertEqual(completer().complete("print @us").insert, "ecs ")
        XCTAssertEqual(completer().complete("show r").insert, "un ")
        XCTAssertTrue(completer().complete("x = BEGIN { printf(\"%d\", pi").candidates.isEmpty)
        XCTAssertEqual(completer().complete("x = BEGIN { printf(\"%d\", pi").insert, "d ")
    }
}
