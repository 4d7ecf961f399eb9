import Foundation
import LanguageTestSupport
import Session
import TestSupport
import XCTest

@testable import Shell

/// The shell's output queue never blocks on a terminal that cannot keep up: probe text past
/// the backlog is hidden and counted, command text never is, and a closed reader ends it.
final class TerminalOutputTests: XCTestCase {
    func makePipe() -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&fds), 0)
        return (fds[0], fds[1])
    }

    func testProbeTextPastTheBacklogIsHiddenCountedAndSummarized() {
        let (readEnd, writeEnd) = makePipe()
        defer {
            close(readEnd)
            close(writeEnd)
        }
        let output = TerminalOutput(fd: writeEnd, errorFD: writeEnd, probeBacklog: 4096)
        // Nobody reads the pipe (64 KB): a blocking writer would hang here.
        var hidden = 0
        for index in 0..<20_000 where !output.write("line \(index)\n", kind: .probe) { hidden += 1 }
        output.flush()
        XCTAssertGreaterThan(hidden, 0)
        XCTAssertEqual(output.hiddenLines, hidden)
        XCTAssertTrue(output.hasPending)
        // Command text is queued however full the queue is, and probe text the terminal has
        // not taken yet makes way for it (counted as hidden).
        XCTAssertTrue(output.write("probes answer\n", kind: .command))
        XCTAssertGreaterThan(output.hiddenLines, hidden)
        // Not yet caught up: the summary waits (at most a second) for the terminal.
        _ = output.takeSummary()
        // The terminal catches up: everything queued arrives, in order, command text last.
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        _ = fcntl(readEnd, F_SETFL, O_NONBLOCK)
        while output.hasPending || received.isEmpty {
            let count = read(readEnd, &chunk, chunk.count)
            if count > 0 { received.append(contentsOf: chunk[..<count]) }
            output.flush()
        }
        while true {
            let count = read(readEnd, &chunk, chunk.count)
            guard count > 0 else { break }
            received.append(contentsOf: chunk[..<count])
        }
        let text = String(decoding: received, as: UTF8.self)
        XCTAssertTrue(text.hasPrefix("line 0\n"))
        XCTAssertTrue(text.hasSuffix("probes answer\n"), String(text.suffix(100)))
        // Whole lines only, and every line is either shown or counted.
        let shown = text.split(separator: "\n").dropLast()
        XCTAssertTrue(shown.allSatisfy { $0.hasPrefix("line ") && Int($0.dropFirst(5)) != nil })
        XCTAssertEqual(shown.count + output.totalHiddenLines, 20_000)
        if output.hiddenLines > 0 {
            XCTAssertEqual(output.takeSummary(), TerminalOutput.summary(output.totalHiddenLines))
        }
        XCTAssertEqual(output.hiddenLines, 0)
        XCTAssertNil(output.takeSummary())
    }

    /// What a terminal shows for `text`: `\r` returns to the line's start, `ESC[K` erases to
    /// its end, `\n` starts a new line.
    static func screen(_ text: String) -> [String] {
        var lines: [[Character]] = [[]]
        var column = 0
        var rest = Substring(text)
        while let c = rest.first {
            if rest.hasPrefix("\u{1B}[K") {
                lines[lines.count - 1].removeSubrange(min(column, lines[lines.count - 1].count)...)
                rest = rest.dropFirst(3)
                continue
            }
            rest = rest.dropFirst()
            switch c {
            case "\r": column = 0
            case "\n":
                lines.append([])
                column = 0
            default:
                if column < lines[lines.count - 1].count {
                    lines[lines.count - 1][column] = c
                } else {
                    lines[lines.count - 1].append(c)
                }
                column += 1
            }
        }
        return lines.map { String($0) }
    }

    func testProbeOutputAndTheProgressLineNeverShareALine() {
        let (readEnd, writeEnd) = makePipe()
        defer {
            close(readEnd)
            close(writeEnd)
        }
        let output = TerminalOutput(fd: writeEnd, errorFD: writeEnd)
        output.write("\r\u{1B}[Kwaiting 0.1s / 2.0s", kind: .status)
        // time("%H:%M:%S ") then printf, in one probe: one line, with no progress inside it.
        output.write("22:45:14 ", kind: .probe)
        XCTAssertFalse(output.write("\r\u{1B}[Kwaiting 0.2s / 2.0s", kind: .status), "mid-line the status waits")
        output.write("OOM kill of pid 7\n", kind: .probe)
        output.write("\r\u{1B}[Kwaiting 0.3s / 2.0s", kind: .status)
        output.write("@victims[dd]: 1\n", kind: .command)
        output.write("\r\u{1B}[Kwaiting 0.4s / 2.0s", kind: .status)
        output.write("\r\u{1B}[K", kind: .status)
        output.flush()
        var chunk = [UInt8](repeating: 0, count: 4096)
        let count = read(readEnd, &chunk, chunk.count)
        let text = String(decoding: chunk[..<max(0, count)], as: UTF8.self)
        XCTAssertEqual(
            Self.screen(text), ["22:45:14 OOM kill of pid 7", "@victims[dd]: 1", ""],
            text.debugDescription)
        // A line left open when the command ends is ended before the prompt comes.
        output.write("22:45:15 ", kind: .probe)
        output.endOpenLine()
        output.endOpenLine()
        let more = read(readEnd, &chunk, chunk.count)
        XCTAssertEqual(String(decoding: chunk[..<max(0, more)], as: UTF8.self), "22:45:15 \n")
    }

    func testTimeAndThePrintfAfterItAreOneLineAboveThePrompt() {
        final class AbovePrompt: LineReader {
            var shown: [String] = []
            func readLine(prompt: String) -> (line: String?, interrupted: Bool) { (nil, false) }
            func remember(_ statement: String) {}
            func printAbovePrompt(_ text: String) { shown.append(text) }
            var isInteractive: Bool { true }
            func close() {}
        }
        let reader = AbovePrompt()
        var shell: Shell!
        let session = TracingSession(
            backend: FakeKernel(), catalogue: FakeCatalogue(), write: { shell?.probeOutput($0) })
        shell = Shell(session: session, reader: reader, output: { _ in }, errors: { _ in })
        shell.probeOutput("22:45:14 ")
        shell.probeOutput("OOM kill of pid 7\n10:00:01 ")
        shell.probeOutput("OOM kill of pid 8\n")
        XCTAssertEqual(reader.shown, ["22:45:14 OOM kill of pid 7\n", "10:00:01 OOM kill of pid 8\n"])
        // A line a probe leaves open goes out at the end of its slice of events.
        shell.probeOutput("no newline")
        XCTAssertEqual(reader.shown.count, 2)
        shell.pumpEvents()
        XCTAssertEqual(reader.shown.last, "no newline")
    }

    func testSummaryGroupsThousands() {
        XCTAssertEqual(
            TerminalOutput.summary(12_345),
            "bpfsh: 12,345 lines not shown (the terminal could not keep up); `output` to see the last ones")
        XCTAssertEqual(
            TerminalOutput.summary(1),
            "bpfsh: 1 line not shown (the terminal could not keep up); `output` to see the last ones")
        XCTAssertTrue(TerminalOutput.summary(1_000_000).contains(" 1,000,000 lines"))
    }

    func testAClosedReaderEndsTheOutputOnce() {
        let (readEnd, writeEnd) = makePipe()
        defer { close(writeEnd) }
        signal(SIGPIPE, SIG_IGN)
        let output = TerminalOutput(fd: writeEnd, errorFD: writeEnd)
        var closings = 0
        output.onClosed = { closings += 1 }
        close(readEnd)
        output.write("hello\n", kind: .command)
        output.write("again\n", kind: .command)
        output.flush()
        XCTAssertTrue(output.isClosed)
        XCTAssertEqual(closings, 1)
        XCTAssertFalse(output.hasPending)
    }

    func testRecentLinesKeepTheLastOnesBounded() {
        var lines = RecentLines(capacity: 3, maximumLineBytes: 8)
        lines.add("a\nb\nc")
        XCTAssertEqual(lines.last(10), ["a", "b"])
        lines.add("c\nd\n")
        XCTAssertEqual(lines.last(10), ["b", "cc", "d"])
        lines.add(String(repeating: "x", count: 20) + "\n")
        XCTAssertEqual(lines.last(1), ["xxxxxxxx…"])
        XCTAssertEqual(lines.total, 5)
        XCTAssertEqual(lines.last(2), ["d", "xxxxxxxx…"])
    }

    func testOutputCommandShowsTheLastProbeLines() {
        let kernel = FakeKernel()
        var out = ""
        var shell: Shell!
        let session = TracingSession(backend: kernel, catalogue: FakeCatalogue(), write: { shell?.probeOutput($0) })
        shell = Shell(
            session: session, reader: ShellCommandTests.ScriptReader([]), output: { out += $0 }, errors: { out += $0 })
        shell.execute("output")
        XCTAssertEqual(out, "no probe output yet\n")
        for index in 1...30 { shell.probeOutput("event \(index)\n") }
        out = ""
        shell.execute("output 2")
        XCTAssertEqual(out, "last 2 of 30 lines probes printed:\nevent 29\nevent 30\n")
        out = ""
        shell.execute("output x")
        XCTAssertEqual(out, "usage: output [N] (a number of lines, e.g. output 50)\n")
    }
}
