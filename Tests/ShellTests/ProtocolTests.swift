import Foundation
import LanguageTestSupport
import Session
import TestSupport
import XCTest

@testable import Shell

/// The machine protocol on the in-memory kernel: every request, the typed events a statement
/// causes (tied to its request by id), malformed lines, and a client that goes away.
final class ProtocolTests: XCTestCase {
    var kernel: FakeKernel!
    var shell: Shell!
    var server: ProtocolServer!
    var sent: [[String: Any]] = []
    let lock = NSLock()

    override func setUpWithError() throws {
        kernel = FakeKernel()
        let session = TracingSession(
            backend: kernel, catalogue: FakeCatalogue(), write: { [weak self] in self?.shell?.probeOutput($0) })
        shell = Shell(
            session: session, reader: ShellCommandTests.ScriptReader([]), output: { _ in }, errors: { _ in })
        shell.completionSource = CompleterTests.Source()
        server = ProtocolServer(shell: shell) { [unowned self] line in
            let object = try! JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            lock.lock()
            sent.append(object)
            lock.unlock()
        }
    }

    override func tearDown() {
        shell.shutdown()
        ShellInterrupt.terminate = 0
        _ = ShellInterrupt.take()
    }

    func request(_ id: String, _ request: ProtocolMessages.Request) -> [[String: Any]] {
        sent = []
        server.handle(.string(id), request)
        return sent
    }

    func testExecuteStreamsTypedEventsTiedToTheRequestThenReplies() throws {
        let messages = request(
            "a", .execute(code: "r = tracepoint:sched:sched_switch { @c[pid, comm] = count(); }\n\nmaps"))
        XCTAssertTrue(messages.allSatisfy { $0["id"] as? String == "a" }, "\(messages)")
        XCTAssertEqual(
            messages.map { ($0["event"] as? String) ?? "reply" },
            ["statement_started", "stream", "statement_done", "statement_started", "table", "statement_done", "reply"])
        XCTAssertEqual(messages[0]["line"] as? Int, 1)
        XCTAssertEqual(messages[3]["line"] as? Int, 3)
        XCTAssertEqual(messages[3]["statement"] as? String, "maps")
        XCTAssertEqual(messages[2]["status"] as? String, "succeeded")
        let table = messages[4]
        let columns = try XCTUnwrap(table["columns"] as? [[String: String]])
        XCTAssertEqual(columns.first, ["name": "map", "type": "string"])
        XCTAssertEqual((table["rows"] as? [[Any]])?.first?.first as? String, "@c")
        XCTAssertEqual(messages.last?["request"] as? String, "execute")
        XCTAssertEqual(messages.last?["status"] as? String, "ok")
    }

    func testATableRowKeepsItsNumbersAsNumbers() throws {
        XCTAssertTrue(shell.execute("r = tracepoint:sched:sched_switch { @c[pid] = count(); }"))
        let map = try XCTUnwrap(kernel.maps.first { $0.spec.name == "@c" })
        map.storage[withUnsafeBytes(of: UInt64(42)) { Array($0) }] = [withUnsafeBytes(of: UInt64(9)) { Array($0) }]
        let table = try XCTUnwrap(request("t", .execute(code: "top @c")).first { $0["event"] as? String == "table" })
        XCTAssertEqual(table["name"] as? String, "@c")
        XCTAssertEqual(table["rows"] as? [[Int]], [[42, 9]])
        XCTAssertEqual((table["columns"] as? [[String: String]])?.map { $0["type"] }, ["integer", "integer"])
    }

    func testAnErrorCarriesItsSourceRangeAndTheReplySaysError() throws {
        let messages = request("e", .execute(code: "bad = tracepoint:sched:sched_switch { @x = nosuch(1); }\nprobes"))
        let error = try XCTUnwrap(messages.first { $0["event"] as? String == "error" })
        let location = try XCTUnwrap((error["locations"] as? [[String: Any]])?.first)
        XCTAssertEqual(location["file"] as? String, "bad")
        XCTAssertEqual(location["line"] as? Int, 1)
        XCTAssertEqual(location["column"] as? Int, 38)
        XCTAssertTrue((error["message"] as? String ?? "").contains("^"))
        XCTAssertEqual(messages.last?["status"] as? String, "error")
        XCTAssertFalse(
            messages.contains { $0["statement"] as? String == "probes" }, "the cell stops at the failed statement")
    }

    func testProbeOutputNamesItsProbe() throws {
        let probe = try shell.session.define(
            name: "greet", text: "tracepoint:sched:sched_switch { printf(\"hello %d\\n\", 1); }")
        let id = try XCTUnwrap(probe.compiled.checked.formats.first { $0.kind == .printf }?.id)
        try XCTUnwrap(kernel.events).push(
            withUnsafeBytes(of: UInt64(id)) { Array($0) } + withUnsafeBytes(of: Int64(1)) { Array($0) })
        let messages = request("w", .execute(code: "wait 10ms"))
        let stream = try XCTUnwrap(messages.first { $0["name"] as? String == "probe" })
        XCTAssertEqual(stream["text"] as? String, "hello 1\n")
        XCTAssertEqual(stream["probe"] as? String, "greet")
        XCTAssertEqual(stream["id"] as? String, "w")
    }

    func testCompleteInspectAndIsComplete() throws {
        let complete = try XCTUnwrap(request("c", .complete(code: "wa", cursor: 2)).last)
        XCTAssertEqual(complete["matches"] as? [String], ["wait", "watch"])
        XCTAssertEqual(complete["cursor_start"] as? Int, 0)
        XCTAssertEqual(complete["cursor_end"] as? Int, 2)
        let attach = try XCTUnwrap(request("c2", .complete(code: "x = tracepoint:sched:sched_sw", cursor: 29)).last)
        XCTAssertEqual(attach["matches"] as? [String], ["tracepoint:sched:sched_switch"])
        XCTAssertEqual(attach["cursor_start"] as? Int, 4)

        let help = try XCTUnwrap(request("i", .inspect(code: "top @c", cursor: 1)).last)
        XCTAssertEqual(help["found"] as? Bool, true)
        XCTAssertTrue((help["text"] as? String ?? "").hasPrefix("top TABLE"), "\(help)")
        let args = try XCTUnwrap(request("i2", .inspect(code: "tracepoint:sched:sched_switch { }", cursor: 5)).last)
        XCTAssertTrue((args["text"] as? String ?? "").contains("prev_comm"), "\(args)")
        XCTAssertTrue(shell.execute("r = tracepoint:sched:sched_switch { @n = count(); }"))
        let show = try XCTUnwrap(request("i3", .inspect(code: "r", cursor: 1)).last)
        XCTAssertTrue((show["text"] as? String ?? "").contains("@n = count()"), "\(show)")
        XCTAssertEqual(shell.history.map(\.statement), ["r = tracepoint:sched:sched_switch { @n = count(); }"])
        let nothing = try XCTUnwrap(request("i4", .inspect(code: "xyzzy", cursor: 2)).last)
        XCTAssertEqual(nothing["found"] as? Bool, false)

        func completeness(_ code: String) -> String? {
            request("k", .isComplete(code: code)).last?["completeness"] as? String
        }
        XCTAssertEqual(completeness("r = tracepoint:sched:sched_switch {"), "incomplete")
        XCTAssertEqual(completeness("r = tracepoint:sched:sched_switch { @n = count(); }"), "complete")
        XCTAssertEqual(completeness("probes }"), "invalid")
        XCTAssertEqual(completeness("printf(\"{\")"), "complete")
    }

    func testMalformedRequestsAreAnsweredAndNamed() {
        guard case .failure(let notJSON) = ProtocolMessages.parse("{not json") else { return XCTFail() }
        XCTAssertNil(notJSON.id)
        guard case .failure(let unknown) = ProtocolMessages.parse(#"{"id": 7, "type": "explode"}"#) else {
            return XCTFail()
        }
        XCTAssertEqual(unknown.id, .number(7))
        XCTAssertTrue(unknown.message.contains("unknown request type"))
        guard case .failure(let noCode) = ProtocolMessages.parse(#"{"id": "x", "type": "execute"}"#) else {
            return XCTFail()
        }
        XCTAssertEqual(noCode.id, .string("x"))
        guard case .success(let (id, request)) = ProtocolMessages.parse(#"{"id":"q","type":"complete","code":"pr"}"#)
        else { return XCTFail() }
        XCTAssertEqual(id, .string("q"))
        XCTAssertEqual(request, .complete(code: "pr", cursor: 2), "the cursor defaults to the end")
    }

    /// The whole loop over a pipe: a bad line gets an error reply and the session goes on;
    /// the client then goes away in the middle of a long wait, which ends the session.
    func testServeAnswersBadLinesAndEndsWhenTheClientGoesAway() throws {
        var fds: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&fds), 0)
        let lines = [
            "{oops", #"{"id":1,"type":"execute","code":"r = tracepoint:sched:sched_switch { @n = count(); }"}"#,
            #"{"id":2,"type":"execute","code":"wait 60s\nprobes"}"#,
        ]
        let text = lines.joined(separator: "\n") + "\n"
        _ = text.withCString { write(fds[1], $0, strlen($0)) }
        close(fds[1])
        let started = Date()
        server.serve(input: fds[0])
        XCTAssertLessThan(Date().timeIntervalSince(started), 30, "the wait ended with the client")
        let types = sent.map { "\($0["type"]!) \($0["request"] ?? $0["event"] ?? "")" }
        XCTAssertEqual(types.first, "hello ")
        XCTAssertEqual(sent.first?["version"] as? Int, ProtocolMessages.version)
        XCTAssertTrue(types.contains("reply unknown"), "\(types)")
        let replies = sent.filter { $0["type"] as? String == "reply" }
        XCTAssertEqual(replies.first { $0["id"] as? Int == 1 }?["status"] as? String, "ok")
        XCTAssertEqual(replies.first { $0["id"] as? Int == 2 }?["status"] as? String, "interrupted")
        XCTAssertFalse(sent.contains { $0["statement"] as? String == "probes" })
        XCTAssertEqual(types.last, "reply shutdown")
        XCTAssertTrue(kernel.attached.isEmpty, "the session was torn down")
    }
}
