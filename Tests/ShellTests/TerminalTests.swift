import Foundation
import TestSupport
import XCTest

/// Drives the shell in a real terminal (tmux): typing, tab completion, multi-line input,
/// history recall and Ctrl-C, as a person would.
final class TerminalTests: XCTestCase {
    let session = "bpfsh-test-\(getpid())"
    var history = ""

    func tmux(_ arguments: [String]) throws -> String {
        Spawn.run("/usr/bin/tmux", arguments).output
    }
    func type(_ text: String) throws { _ = try tmux(["send-keys", "-t", session, "-l", text]) }
    func press(_ key: String) throws { _ = try tmux(["send-keys", "-t", session, key]) }
    func screen() throws -> String { try tmux(["capture-pane", "-t", session, "-p"]) }

    /// Waits until the screen shows `text` (bounded), returning the screen.
    @discardableResult
    func waitFor(
        _ text: String, seconds: Double = 10, file: StaticString = #filePath, line: UInt = #line
    ) throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var shown = ""
        while Date() < deadline {
            shown = try screen()
            if shown.contains(text) { return shown }
            usleep(50_000)
        }
        XCTFail("the screen never showed \(text):\n\(shown)", file: file, line: line)
        return shown
    }

    /// Skips (fails where kernel tests are required) without the kernel or tmux.
    func requireTerminal() throws {
        try KernelTestGate.require()
        try KernelTestGate.require(
            FileManager.default.fileExists(atPath: "/usr/bin/tmux"), "tmux is not installed (scripts/setup installs it)"
        )
    }

    /// Runs `command` in this test's detached tmux window, `width` x `height`, from `directory`.
    func start(_ command: String, width: Int = 150, height: Int = 40, directory: String? = nil) {
        _ = Spawn.run(
            "/usr/bin/tmux",
            ["new-session", "-d", "-s", session, "-x", "\(width)", "-y", "\(height)"]
                + (directory.map { ["-c", $0] } ?? []) + [command])
    }

    override func tearDown() {
        _ = try? tmux(["kill-session", "-t", session])
        if !history.isEmpty { try? FileManager.default.removeItem(atPath: history) }
    }

    func testTypingCompletionMultilineHistoryAndCtrlC() throws {
        try requireTerminal()
        history = FileManager.default.temporaryDirectory.appendingPathComponent("bpfsh-history-\(getpid())").path
        start(
            "env BPFSH_HISTORY=\(history) \(KernelTestGate.executable.path)")
        try waitFor("bpfsh>")  // tmux trims trailing blanks from captured lines

        // Tab completes the tracepoint name; an unclosed { continues on a ...> prompt.
        try type("sw = tracepoint:sched:sched_swit")
        try press("Tab")
        try type("{")
        try waitFor("sw = tracepoint:sched:sched_switch {")
        try press("Enter")
        try waitFor("...>")
        try type("@n = count() }")
        try press("Enter")
        try waitFor("sw attached · 1 attach point · map @n")

        // Ctrl-C ends a long wait and the shell stays.
        try type("wait 60s")
        try press("Enter")
        try waitFor("waiting")
        try press("C-c")
        try type("probes")
        try press("Enter")
        let shown = try waitFor("insns")
        XCTAssertNotNil(
            shown.range(of: #"sw\s+attached\s+tracepoint:sched:sched_switch"#, options: .regularExpression), shown)

        // History: Up recalls the previous command.
        try press("Up")
        try press("Up")
        try waitFor("bpfsh> wait 60s")
        // Ctrl-D on an empty line leaves; the session (and tmux window) ends.
        try press("C-u")
        try press("C-d")
        let deadline = Date().addingTimeInterval(10)
        var alive = true
        while alive && Date() < deadline {
            alive = Spawn.run("/usr/bin/tmux", ["has-session", "-t", session]).status == 0
            if alive { usleep(100_000) }
        }
        XCTAssertFalse(alive, "Ctrl-D left the shell")
    }

    /// A learner's first steps through the CPU tutorial: hint, Enter to run each proposed
    /// command, the step's check, quitting and the remembered progress.
    /// time() then printf in one probe is one line, during a wait (beside its progress line)
    /// and above the prompt alike; the progress text never has probe output glued to it.
    func testProbeLinesStayWholeBesideTheProgressLineAndThePrompt() throws {
        try requireTerminal()
        history = FileManager.default.temporaryDirectory.appendingPathComponent("bpfsh-history-\(getpid())").path
        start(
            "env BPFSH_HISTORY=\(history) \(KernelTestGate.executable.path)", height: 60)
        try waitFor("bpfsh>")
        try type(#"tick = interval:ms:150 { time("%H:%M:%S "); printf("tick %d\n", 7); }"#)
        try press("Enter")
        try waitFor("tick attached")
        try type("wait 1500ms")
        try press("Enter")
        try waitFor("waiting")
        // Back at the prompt, ticks keep coming above it.
        let deadline = Date().addingTimeInterval(15)
        var shown = try screen()
        while Date() < deadline {
            shown = try screen()
            let lines = shown.split(separator: "\n")
            if let prompt = lines.lastIndex(where: { $0.hasPrefix("bpfsh>") }),
                let waited = lines.firstIndex(where: { $0.contains("bpfsh> wait 1500ms") }), prompt > waited,
                lines[(waited + 1)...].filter({ $0.hasSuffix("tick 7") }).count >= 14
            {
                break
            }
            usleep(100_000)
        }
        let lines = shown.split(separator: "\n").map(String.init)
        let ticks = lines.filter { $0.contains("tick 7") }
        XCTAssertGreaterThanOrEqual(ticks.count, 10, shown)
        for line in ticks {
            XCTAssertNotNil(
                line.range(of: #"^[0-9]{2}:[0-9]{2}:[0-9]{2} tick 7$"#, options: .regularExpression),
                "one line per event, as bpftrace prints it: '\(line)'\n" + shown)
        }
        XCTAssertFalse(lines.contains { $0.contains("waiting") && $0.contains("tick") }, shown)
        // The prompt is redrawn on a line of its own below the ticks, never glued to one.
        XCTAssertFalse(
            lines.contains {
                $0.range(of: #"bpfsh>.*[0-9]{2}:[0-9]{2}:[0-9]{2} tick 7|tick 7.*bpfsh>"#, options: .regularExpression)
                    != nil
            }, shown)
        XCTAssertFalse(
            lines.contains { $0.range(of: #"^[0-9]{2}:[0-9]{2}:[0-9]{2} ?$"#, options: .regularExpression) != nil },
            shown)
        try type("drop tick")
        try press("Enter")
    }

    func testALearnerWorksThroughTheFirstStepOfTheCPUTutorial() throws {
        try requireTerminal()
        let tutorials = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("tutorials").path
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("bpfsh-tutorial-state-\(getpid())")
            .path
        history = state + "-history"
        defer { try? FileManager.default.removeItem(atPath: state) }
        start(
            "env BPFSH_HISTORY=\(history) BPFSH_TUTORIALS=\(tutorials) BPFSH_STATE_DIR=\(state) "
                + "\(KernelTestGate.executable.path)", width: 160, height: 50)
        try waitFor("bpfsh>")
        try type("tutorial cpus")
        try press("Enter")
        try waitFor("step 1 of")
        try waitFor("cpus 1/")
        try type("hint")
        try press("Enter")
        try waitFor("hint:")

        // Enter runs each proposed command until the step checks out and the next begins.
        // Each Enter waits for the screen to change and the tutorial's prompt to come back.
        func atPrompt(_ text: String) -> Bool {
            text.split(separator: "\n").last.map { $0.hasPrefix("tutorial cpus ") && $0.hasSuffix(">") } ?? false
        }
        var shown = try screen()
        for _ in 0..<15 where !shown.contains("step 2 of") {
            let before = shown
            try press("Enter")
            let deadline = Date().addingTimeInterval(30)
            repeat {
                usleep(100_000)
                shown = try screen()
            } while (shown == before || !atPrompt(shown)) && Date() < deadline
        }
        shown = try waitFor("step 2 of")
        XCTAssertTrue(shown.contains("✓"), "the step's check held:\n" + shown)
        XCTAssertFalse(shown.contains("✗"), shown)

        try type("quit")
        try press("Enter")
        try waitFor("resumes here")
        try type("tutorial")
        try press("Enter")
        try waitFor("next step 2")
        let progress = try String(contentsOfFile: state + "/tutorials.json", encoding: .utf8)
        XCTAssertTrue(progress.contains("\"cpus\""), progress)
    }

    /// A learner with a fresh HOME jumps inside a tutorial (never nesting), finishes it, moves
    /// to the other one, quits to the plain shell, and finds the progress of both, merged and
    /// kept under that HOME, after a restart; another fresh HOME starts from nothing.
    func testALearnerJumpsQuitsAndFindsTheirProgressUnderHome() throws {
        try requireTerminal()
        let tutorials = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("tutorials").path
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("bpfsh-learner-\(getpid())").path
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        func start(home: String) throws {
            self.start(
                "env -u XDG_STATE_HOME -u BPFSH_STATE_DIR -u BPFSH_HISTORY HOME=\(home) "
                    + "BPFSH_TUTORIALS=\(tutorials) \(KernelTestGate.executable.path)", width: 160, height: 50)
            try waitFor("bpfsh>")
        }
        try start(home: home)
        try type("tutorial cpus 16")
        try press("Enter")
        try waitFor("cpus 16/17>", seconds: 20)
        // A jump inside the tutorial moves to the step; its last step finishes it.
        try type("tutorial cpus 17")
        try press("Enter")
        try waitFor("cpus 17/17>", seconds: 20)
        var shown = try screen()
        for _ in 0..<6 where !shown.contains("finished") {
            try press("Enter")
            let before = shown
            let deadline = Date().addingTimeInterval(20)
            repeat {
                usleep(100_000)
                shown = try screen()
            } while shown == before && Date() < deadline
        }
        shown = try waitFor("finished (1 of 17 steps checked out)", seconds: 20)
        XCTAssertLessThanOrEqual(shown.components(separatedBy: "== CPUs").count - 1, 1, "one tutorial, never nested")
        try waitFor("bpfsh>")
        // The other tutorial, then quit: back at the plain shell, not in the first tutorial.
        try type("tutorial memory 2")
        try press("Enter")
        try waitFor("memory 2/11>", seconds: 20)
        try type("quit")
        try press("Enter")
        shown = try waitFor("tutorial memory resumes here")
        XCTAssertTrue(shown.split(separator: "\n").last?.hasPrefix("bpfsh>") ?? false, shown)
        try type("tutorial")
        try press("Enter")
        shown = try waitFor("start one with")
        XCTAssertTrue(shown.contains("1 of 17 done"), shown)
        XCTAssertTrue(shown.contains("················✓"), shown)
        XCTAssertTrue(shown.contains("0 of 11 done, next step 2 ·›·········"), shown)
        try type("quit")
        try press("Enter")
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, Spawn.run("/usr/bin/tmux", ["has-session", "-t", session]).status == 0 {
            usleep(100_000)
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: home + "/.local/state/bpfsh/tutorials.json"))

        // The same HOME remembers both; a fresh one starts from nothing.
        try start(home: home)
        try type("tutorial")
        try press("Enter")
        shown = try waitFor("start one with")
        XCTAssertTrue(shown.contains("1 of 17 done") && shown.contains("0 of 11 done"), shown)
        _ = try tmux(["kill-session", "-t", session])
        let fresh = home + "/fresh"
        try FileManager.default.createDirectory(atPath: fresh, withIntermediateDirectories: true)
        try start(home: fresh)
        try type("tutorial")
        try press("Enter")
        shown = try waitFor("start one with")
        XCTAssertEqual(shown.components(separatedBy: "not started").count - 1, 2, shown)
    }

    /// The guided first session as `scripts/run` starts it on a terminal (this build, a fresh
    /// HOME): it runs, then leaves the prompt with its probes and tables live.
    func testTheFirstSessionLeavesALiveShell() throws {
        try requireTerminal()
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("bpfsh-first-home-\(getpid())").path
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..")
            .standardizedFileURL.path
        start(
            "env HOME=\(home) \(KernelTestGate.executable.path) --interactive sessions/first-session.bpfsh "
                + "secs=1s flame=\(home)/first.svg", height: 50, directory: repository)
        try waitFor("are still live", seconds: 60)
        XCTAssertTrue(FileManager.default.fileExists(atPath: home + "/first.svg"), "the flame graph was written")
        try type("probes")
        try press("Enter")
        let shown = try waitFor("reads  detached", seconds: 20)
        XCTAssertNotNil(shown.range(of: #"cpu\s+attached\s+profile:hz:99"#, options: .regularExpression), shown)
        try type("top @reads 1")
        try press("Enter")
        try waitFor("@reads")
        try type("quit")
        try press("Enter")
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, Spawn.run("/usr/bin/tmux", ["has-session", "-t", session]).status == 0 {
            usleep(100_000)
        }
        XCTAssertNotEqual(
            Spawn.run("/usr/bin/tmux", ["has-session", "-t", session]).status, 0, "quit ended the shell")
    }

    /// Pasted text (the terminal's bracketed paste) never presses Enter: the pasted line waits
    /// in the editor, compiled ahead meanwhile, and the user's Enter attaches it from the cache.
    func testAPastedProbeWaitsForEnterAndAttachesCompiledAhead() throws {
        try requireTerminal()
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("bpfsh-paste-\(getpid())").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        start(
            "env BPFSH_HISTORY=\(scratch)/history BPFSH_CACHE_DIR=\(scratch)/cache \(KernelTestGate.executable.path)")
        try waitFor("bpfsh>")
        func paste(_ text: String) throws {
            _ = try tmux(["set-buffer", "-b", session, text])
            _ = try tmux(["paste-buffer", "-p", "-d", "-b", session, "-t", session])
        }
        func cacheEntries() -> Int {
            ((try? FileManager.default.contentsOfDirectory(atPath: scratch + "/cache")) ?? [])
                .filter { $0.hasSuffix(".bpfc") }.count
        }

        // The pasted line waits; its code is made while it does.
        try paste("qq = tracepoint:sched:sched_switch { @qq[comm] = count(); }\n")
        try waitFor("bpfsh> qq = tracepoint:sched:sched_switch { @qq[comm] = count(); }")
        let deadline = Date().addingTimeInterval(20)
        while cacheEntries() == 0 && Date() < deadline { usleep(20_000) }
        XCTAssertEqual(cacheEntries(), 1, "the pasted probe was compiled ahead")
        try press("Enter")
        try waitFor("qq attached")
        try expectCompiledAhead("qq")

        // Still in the editor: the user names the pasted probe before entering it.
        try paste("tracepoint:sched:sched_wakeup { @w = count(); }\n")
        try waitFor("bpfsh> tracepoint:sched:sched_wakeup { @w = count(); }")
        try press("C-a")
        try type("ww = ")
        try press("Enter")
        try waitFor("ww attached")

        // Several pasted lines: the first waits in the editor, the others behind it, and the
        // probe they make is compiled ahead; Enter runs them all, in order.
        for name in ["x1", "x2"] {
            let before = cacheEntries()
            try paste("\(name) = tracepoint:sched:sched_switch {\n@\(name) = count();\n}\nprobes\n")
            try waitFor("pasted 3 more lines")
            let deadline = Date().addingTimeInterval(20)
            while cacheEntries() == before && Date() < deadline { usleep(20_000) }
            XCTAssertEqual(cacheEntries(), before + 1, "\(name) was compiled ahead whole")
            let waiting = try screen()
            XCTAssertNil(waiting.range(of: "\(name) attached"), "nothing pasted ran before Enter:\n\(waiting)")
            XCTAssertNil(waiting.range(of: "\(name)  "), "`probes` has not run:\n\(waiting)")
            try press("Enter")
            try waitFor("\(name) attached")
            try waitFor("\(name)  ")
            try expectCompiledAhead(name)
        }

        // Ctrl-C while a pasted statement runs drops the pasted lines after it.
        try paste("wait 30s\nzz = BEGIN { printf(\"zz ran\\n\"); }\n")
        try waitFor("pasted 1 more line")
        try press("Enter")
        try waitFor("waiting")
        try press("C-c")
        try press("C-l")
        try type("probes")
        try press("Enter")
        let listed = try waitFor("x2  ")
        XCTAssertNil(listed.range(of: "zz"), "the line pasted after the interrupted wait did not run:\n\(listed)")
    }

    /// `show --timing NAME` on a cleared screen says only `check` ran at Enter.
    func expectCompiledAhead(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        try press("C-l")
        try type("show --timing \(name)")
        try press("Enter")
        let timing = try waitFor("compile ", file: file, line: line)
        XCTAssertNil(
            timing.range(of: "optimize"), "Enter found \(name)'s code compiled ahead:\n\(timing)", file: file,
            line: line)
    }
}
