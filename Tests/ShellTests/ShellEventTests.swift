import Foundation
import LanguageTestSupport
import Session
import Tables
import TestSupport
import XCTest

@testable import Shell

/// The shell's events are values: a table as typed columns and rows, a histogram as buckets,
/// an error with where it points, probe output with its probe. The terminal shows each
/// event's text, so what a person sees and what a client receives are the same event.
final class ShellEventTests: XCTestCase {
    var kernel: FakeKernel!
    var shell: Shell!
    var out = ""
    var err = ""
    var events: [ShellEvent] = []

    override func setUpWithError() throws {
        kernel = FakeKernel()
        let session = TracingSession(
            backend: kernel, catalogue: FakeCatalogue(), write: { [weak self] in self?.shell?.probeOutput($0) })
        shell = Shell(
            session: session, reader: ShellCommandTests.ScriptReader([]), output: { [unowned self] in out += $0 },
            errors: { [unowned self] in err += $0 })
        shell.listeners.append { [unowned self] in events.append($0) }
        XCTAssertTrue(shell.execute("r = tracepoint:sched:sched_switch { @c[pid, comm] = count(); }"), err)
        let map = try XCTUnwrap(kernel.maps.first { $0.spec.name == "@c" })
        func key(_ pid: UInt64, _ comm: String) -> [UInt8] {
            withUnsafeBytes(of: pid) { Array($0) } + Array(comm.utf8)
                + [UInt8](repeating: 0, count: 16 - comm.utf8.count)
        }
        func count(_ n: UInt64) -> [[UInt8]] { [withUnsafeBytes(of: n) { Array($0) }] }
        map.storage[key(10, "agentd")] = count(5)
        map.storage[key(11, "webworker")] = count(40)
        map.storage[key(12, "agentd")] = count(7)
        out = ""
        events = []
    }

    override func tearDown() { shell.shutdown() }

    func testATableIsTypedColumnsAndRowsAndTheTerminalShowsItsText() throws {
        XCTAssertTrue(shell.execute("top @c 2"), err)
        let table = try XCTUnwrap(
            events.compactMap { if case .table(let t) = $0 { return t } else { return nil } }.first)
        XCTAssertEqual(table.name, "@c")
        XCTAssertEqual(
            table.columns,
            [
                .init(name: "key1", type: .integer), .init(name: "key2", type: .string),
                .init(name: "@c", type: .integer),
            ])
        XCTAssertEqual(
            table.rows,
            [[.integer(11), .string("webworker"), .integer(40)], [.integer(12), .string("agentd"), .integer(7)]])
        XCTAssertEqual(out, table.text)
        XCTAssertEqual(events.first, .statementStarted("top @c 2", nested: false))
        XCTAssertEqual(events.last, .statementEnded("top @c 2", status: .succeeded, nested: false))
    }

    func testAListingIsATableOfStrings() throws {
        XCTAssertTrue(shell.execute("probes"), err)
        let table = try XCTUnwrap(
            events.compactMap { if case .table(let t) = $0 { return t } else { return nil } }.first)
        XCTAssertNil(table.name)
        XCTAssertEqual(table.columns.first?.name, "name")
        XCTAssertEqual(table.rows.first?.first, .string("r"))
    }

    func testHistIsBucketsWithBoundsAndPercentiles() throws {
        XCTAssertTrue(shell.execute("hist @c"), err)
        let set = try XCTUnwrap(
            events.compactMap { if case .histogram(let h) = $0 { return h } else { return nil } }.first)
        let histogram = try XCTUnwrap(set.histograms.first)
        XCTAssertEqual(histogram.label, "@c")
        XCTAssertEqual(histogram.buckets.map(\.count).reduce(0, +), histogram.percentiles.count)
        // 5 and 7 fall in [4, 8), 40 in [32, 64); the empty buckets between are kept.
        XCTAssertEqual(histogram.buckets.first, .init(low: 4, high: 8, count: 2))
        XCTAssertEqual(histogram.buckets.last, .init(low: 32, high: 64, count: 1))
        XCTAssertEqual(histogram.buckets.count, 4)
        XCTAssertEqual(out, set.text)
    }

    func testACompileErrorPointsIntoTheProbe() throws {
        XCTAssertFalse(shell.execute("bad = tracepoint:sched:sched_switch { @x = nosuchfunction(1); }"))
        let report = try XCTUnwrap(
            events.compactMap { if case .error(let e) = $0 { return e } else { return nil } }.first)
        XCTAssertEqual(err, report.message)
        let location = try XCTUnwrap(report.locations.first)
        XCTAssertEqual(location.file, "bad")
        XCTAssertEqual(location.line, 1)
        let program = "tracepoint:sched:sched_switch { @x = nosuchfunction(1); }"
        let column = program.distance(from: program.startIndex, to: program.range(of: "nosuchfunction")!.lowerBound) + 1
        XCTAssertEqual(location.column, column)
        XCTAssertEqual(location.severity, "error")
        XCTAssertEqual(events.last, .statementEnded("bad = " + program, status: .failed, nested: false))
    }

    func testAQueryErrorPointsIntoTheStatement() throws {
        XCTAssertFalse(shell.execute("@c | top 5 by size"))
        let report = try XCTUnwrap(
            events.compactMap { if case .error(let e) = $0 { return e } else { return nil } }.first)
        let location = try XCTUnwrap(report.locations.first)
        XCTAssertNil(location.file)
        XCTAssertEqual(location.column, 15)
        XCTAssertEqual(location.endColumn, 19)
        XCTAssertTrue(report.message.contains("^^^^"), report.message)
    }

    func testProbeOutputNamesTheProbeThatPrintedIt() throws {
        let probe = try shell.session.define(
            name: "greet", text: "tracepoint:sched:sched_switch { printf(\"hello %d\\n\", 1); }")
        let id = try XCTUnwrap(probe.compiled.checked.formats.first { $0.kind == .printf }?.id)
        let ring = try XCTUnwrap(kernel.events)
        ring.push(withUnsafeBytes(of: UInt64(id)) { Array($0) } + withUnsafeBytes(of: Int64(1)) { Array($0) })
        shell.pumpEvents()
        XCTAssertEqual(events, [.probeOutput("hello 1\n", probe: "greet")])
        XCTAssertEqual(out, "hello 1\n")
    }

    func testTheNotebookKeepsTheSameEvents() throws {
        var notebook = Notebook(title: "t", header: [])
        shell.listeners.append { notebook.add($0) }
        XCTAssertTrue(shell.execute("top @c 1"), err)
        XCTAssertFalse(shell.execute("@c | top 5 by size"))
        XCTAssertEqual(notebook.cells.count, 2)
        XCTAssertEqual(
            notebook.cells[0].outputs,
            [.table(headers: ["key1", "key2", "@c"], rows: [["11", "webworker", "40"]], text: out)])
        XCTAssertFalse(notebook.cells[1].succeeded)
        XCTAssertEqual(notebook.cells[1].outputs, [.error(err)])
    }
}
