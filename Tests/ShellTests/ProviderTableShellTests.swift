import Language
import LanguageTestSupport
import Session
import Shell
import TestSupport
import XCTest

/// Completion and `help providers` read the session's provider table: a row added to it is
/// offered and listed with no change to the shell.
final class ProviderTableShellTests: XCTestCase {
    struct NoSource: CompletionSource {
        func tracepointCategories() -> [String] { [] }
        func tracepointEvents(in category: String) -> [String] { [] }
        func tracepointFields(category: String, event: String) -> [String] { [] }
        func rawTracepoints() -> [String] { ["sched_switch"] }
        func softwareEvents() -> [String] { [] }
        func functions(in binary: String, prefix: String) -> [String] { [] }
        func binaries(prefix: String) -> [String] { ["/bin/true"] }
    }

    let row = ProviderDescriptor(
        kind: ProviderKind("ticker"), aliases: ["tk"], summary: "a made-up timer",
        grammar: .rate(
            example: "ticker:ms:10", allowsNanoseconds: false), context: .perfEvent, programType: .perfEvent,
        requires: .perfSampling, completion: .rateUnits)

    func testCompletionOffersEveryRowAndItsFields() {
        var completer = Completer(source: NoSource(), commands: [], probeNames: [], mapNames: [])
        XCTAssertEqual(completer.complete("x = us").candidates, [], "usdt is one candidate, not a list")
        XCTAssertEqual(completer.complete("x = us").insert, "dt:", "usdt is offered (it was missing)")
        XCTAssertEqual(completer.complete("x = usdt:/bin/t").insert, "rue:")
        XCTAssertEqual(completer.complete("x = rt:sched_sw").insert, "itch ", "an alias completes like its provider")
        XCTAssertEqual(completer.complete("x = tick").insert, "", "not in the built-in table")
        completer.providers = ProviderTable.builtin.adding(row)
        XCTAssertEqual(completer.complete("x = tick").insert, "er:")
        XCTAssertEqual(completer.complete("x = tk:m").insert, "s:")
    }

    func testHelpProvidersListsTheSessionsTable() {
        var out = ""
        let catalogue = FakeCatalogue(providers: ProviderTable.builtin.adding(row))
        let session = TracingSession(backend: FakeKernel(), catalogue: catalogue, write: { _ in })
        defer { session.close() }
        let shell = Shell(session: session, reader: NoInputReader(), output: { out += $0 }, errors: { out += $0 })
        XCTAssertTrue(shell.execute("help providers"))
        let lines = out.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 1 + ProviderTable.builtin.descriptors.count + 1, out)
        XCTAssertTrue(lines.contains { $0.hasPrefix("tracepoint:CATEGORY:EVENT") && $0.contains("tracepoints") }, out)
        XCTAssertTrue(lines.contains { $0.hasPrefix("ticker:UNIT:N") && $0.contains("a made-up timer") }, out)
        XCTAssertTrue(lines.contains { $0.hasPrefix("kprobe:FUNCTION") && $0.contains("kprobes") }, out)

        // A probe of the new type is defined like any other.
        XCTAssertTrue(shell.execute("t = ticker:ms:10 { @n = count(); }"), out)
    }
}
