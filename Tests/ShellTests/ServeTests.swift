import Foundation
import TestSupport
import XCTest

/// `bpfsh --serve` as a client drives it, on the real kernel: probe output streams while a
/// `wait` runs, a table arrives as typed rows, an interrupt ends a long wait, and shutdown
/// leaves no program behind.
final class ServeTests: XCTestCase {
    func messages(_ shell: ShellProcess) -> [[String: Any]] {
        shell.output.split(separator: "\n").compactMap { line in
            guard line.hasPrefix("{") else { return nil }
            return try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        }
    }

    func reply(_ shell: ShellProcess, _ id: String, seconds: Double = 20) -> [String: Any]? {
        var found: [String: Any]?
        _ = shell.eventually(seconds) {
            found = messages(shell).first { $0["type"] as? String == "reply" && $0["id"] as? String == id }
            return found != nil
        }
        return found
    }

    func send(_ shell: ShellProcess, _ id: String, _ type: String, _ code: String? = nil) {
        var request: [String: Any] = ["id": id, "type": type]
        if let code { request["code"] = code }
        let data = try! JSONSerialization.data(withJSONObject: request)
        shell.send(String(decoding: data, as: UTF8.self))
    }

    func testAClientDefinesWaitsReadsATableInterruptsAndShutsDown() throws {
        try KernelTestGate.require()
        let shell = try ShellProcess(arguments: ["--serve"])
        XCTAssertTrue(shell.waitForOutput(#""type":"hello""#), shell.output)

        send(
            shell, "define", "execute",
            "tick = profile:hz:20 { printf(\"tick\\n\"); }\ns = tracepoint:sched:sched_switch { @s[comm] = count(); }")
        XCTAssertEqual(reply(shell, "define")?["status"] as? String, "ok", shell.output)
        let programs = HeldKernelObjects(pid: shell.pid).programs
        XCTAssertGreaterThanOrEqual(programs.count, 2)

        send(shell, "wait", "execute", "wait 1s")
        XCTAssertEqual(reply(shell, "wait")?["status"] as? String, "ok", shell.output)
        let all = messages(shell)
        let waitReply = try XCTUnwrap(
            all.firstIndex { $0["type"] as? String == "reply" && $0["id"] as? String == "wait" })
        let ticks = all[..<waitReply].filter {
            $0["id"] as? String == "wait" && $0["name"] as? String == "probe" && $0["probe"] as? String == "tick"
        }
        XCTAssertFalse(ticks.isEmpty, "probe output streams during the wait, tied to it")

        send(shell, "top", "execute", "top @s 5")
        XCTAssertEqual(reply(shell, "top")?["status"] as? String, "ok")
        let table = try XCTUnwrap(
            messages(shell).first { $0["id"] as? String == "top" && $0["event"] as? String == "table" })
        XCTAssertEqual((table["columns"] as? [[String: String]])?.map { $0["type"] }, ["string", "integer"])
        XCTAssertFalse((table["rows"] as? [[Any]] ?? []).isEmpty)

        send(shell, "long", "execute", "wait 60s")
        XCTAssertTrue(
            shell.eventually(10) {
                messages(shell).contains {
                    $0["id"] as? String == "long" && $0["event"] as? String == "statement_started"
                }
            })
        let asked = Date()
        send(shell, "stop", "interrupt")
        XCTAssertEqual(reply(shell, "long", seconds: 10)?["status"] as? String, "interrupted", shell.output)
        XCTAssertLessThan(Date().timeIntervalSince(asked), 5)

        send(shell, "bye", "shutdown")
        XCTAssertEqual(reply(shell, "bye")?["status"] as? String, "ok")
        XCTAssertNotNil(shell.waitForExit(seconds: 20))
        XCTAssertEqual(shell.exitCode, 0)
        XCTAssertTrue(
            shell.eventually(10) { programs.allSatisfy { !HeldKernelObjects.programExists($0) } },
            "shutdown leaves no program")
    }
}
