import XCTest

@testable import Tables

/// Every query stage on tables built in memory (no kernel), and errors pointing at the part
/// of the query that is wrong.
final class QueryPipelineTests: XCTestCase {
    /// `@files[pid, comm] = count()`.
    let files = Build.map(
        "@files",
        [
            Build.row([.int(10), .string("agentd")], .count(5)),
            Build.row([.int(11), .string("webworker")], .count(40)),
            Build.row([.int(12), .string("agentd")], .count(7)),
            Build.row([.int(13), .string("cron")], .count(1)),
        ])
    var kept: [String: MapTable] = [:]

    func environment(_ tables: [String: MapTable] = [:]) -> QueryPipeline.Environment {
        QueryPipeline.Environment(
            table: { name in
                guard let table = tables[name] ?? self.kept[name] else { throw QueryTestError.missing(name) }
                return table
            },
            keep: { table, name in self.kept[name] = table })
    }

    enum QueryTestError: Error, CustomStringConvertible {
        case missing(String)
        var description: String {
            switch self {
            case .missing(let name): return "no table named '\(name)'"
            }
        }
    }

    func run(_ text: String, on table: MapTable? = nil, _ tables: [String: MapTable] = [:]) throws -> MapTable {
        let pipeline = try QueryPipeline.parse(text).get()
        return try pipeline.run(on: table ?? files, environment: environment(tables)).get()
    }

    func error(_ text: String, on table: MapTable? = nil, _ tables: [String: MapTable] = [:]) -> QueryError? {
        switch QueryPipeline.parse(text) {
        case .failure(let error): return error
        case .success(let pipeline):
            if case .failure(let error) = pipeline.run(on: table ?? files, environment: environment(tables)) {
                return error
            }
            return nil
        }
    }

    func keys(_ table: MapTable) -> [[Value]] { table.rows.map(\.key) }

    // MARK: splitting

    func testPipesSplitOutsideStringsAndApartFromOr() {
        let stages = QueryText.stages(#"@x | where key == "a|b" || value > 3 | top 5"#)
        XCTAssertEqual(stages.map(\.text), ["@x", #"where key == "a|b" || value > 3"#, "top 5"])
        XCTAssertEqual(stages.map(\.offset), [0, 5, 39])
        XCTAssertFalse(QueryText.isPipeline(#"where @x key == "a|b" || value > 3"#))
    }

    func testCommandWithItsTableStartsAQuery() throws {
        let pipeline = try QueryPipeline.parse(#"where @runq key == "webworker" | hist"#).get()
        XCTAssertEqual(pipeline.source.text, "@runq")
        XCTAssertEqual(pipeline.stages.count, 2)
        XCTAssertEqual(pipeline.output?.stage.text, "hist")
        let result = try pipeline.run(on: files, environment: environment()).get()
        XCTAssertEqual(result.rows, [])
    }

    // MARK: stages

    func testWhereThenTopKeepsTheLargest() throws {
        let result = try run(#"@files | where key2 == "agentd" | top 1"#)
        XCTAssertEqual(result.rows, [Build.row([.int(12), .string("agentd")], .count(7))])
        XCTAssertEqual(result.name, "@files")
    }

    func testWhereWithOrInsideAQuery() throws {
        let result = try run(#"@files | where key2 == "cron" || value > 30 | sort by key1"#)
        XCTAssertEqual(keys(result), [[.int(11), .string("webworker")], [.int(13), .string("cron")]])
    }

    func testSortDescending() throws {
        XCTAssertEqual(try run("@files | sort desc").rows.map(\.cell), [.count(40), .count(7), .count(5), .count(1)])
    }

    func testGroupByCollapsesPidToComm() throws {
        let sum = try run("@files | group by key2")
        XCTAssertEqual(
            sum.rows,
            [
                Build.row([.string("agentd")], .count(12)), Build.row([.string("webworker")], .count(40)),
                Build.row([.string("cron")], .count(1)),
            ])
        XCTAssertEqual(try run("@files | group by key2 count").rows.map(\.cell), [.count(2), .count(1), .count(1)])
        XCTAssertEqual(try run("@files | group by key2 max").rows.map(\.cell), [.max(7), .max(40), .max(1)])
        XCTAssertEqual(try run("@files | group by key2 min").rows.map(\.cell), [.min(5), .min(40), .min(1)])
        XCTAssertEqual(
            try run("@files | group by key2 avg").rows.first?.cell, .avg(total: 12, count: 2))
    }

    func testGroupBySeveralColumnsAndHistogramsMerge() throws {
        let lat = Build.map(
            "@lat",
            [
                Build.row([.int(1), .string("a")], Build.hist([1, 2])),
                Build.row([.int(2), .string("a")], Build.hist([2, 1000])),
            ])
        let merged = try run("@lat | group by key2", on: lat)
        XCTAssertEqual(merged.rows, [Build.row([.string("a")], Build.hist([1, 2, 2, 1000]))])
        XCTAssertEqual(try run("@files | group by key2, key1", on: files).rows.count, 4)
    }

    func testSelectComputesNamedColumns() throws {
        let result = try run("@files | select key2, value * 1000 as us, value / 2")
        XCTAssertEqual(result.valueNames, ["us", "value / 2"])
        XCTAssertEqual(result.rows[0], Build.row([.string("agentd")], .value(.tuple([.int(5000), .int(2)]))))
        // Named columns take part in the stages after.
        let top = try run("@files | select key2, value * 1000 as us | where us >= 7000 | top 1 by us asc")
        XCTAssertEqual(top.rows, [Build.row([.string("agentd")], .value(.tuple([.int(7000)])))])
        XCTAssertEqual(
            ColumnTable.render(top), "key       us\nagentd  7000\n")
    }

    func testSelectOfValueKeepsTheCell() throws {
        let result = try run("@files | select key2, value")
        XCTAssertEqual(result.valueNames, [])
        XCTAssertEqual(result.rows[1], Build.row([.string("webworker")], .count(40)))
    }

    func testSelectDivisionByZeroGivesNothing() throws {
        let result = try run("@files | select key1, value / 0 as x")
        XCTAssertEqual(result.rows[0].cell, .value(.tuple([.none])))
    }

    func testNormalizeDividesEveryValue() throws {
        XCTAssertEqual(try run("@files | normalize 5").rows.map(\.cell), [.count(1), .count(8), .count(1), .count(0)])
        let avg = Build.map("@a", [Build.row([], .avg(total: 100, count: 4))])
        XCTAssertEqual(try run("@a | normalize 5", on: avg).rows[0].cell, .avg(total: 20, count: 4))
    }

    func testRateUsesTheCaptureSpan() throws {
        var table = files
        table.capture = CaptureSpan(start: 100, end: 104)
        XCTAssertEqual(
            try run("@files | rate", on: table).rows.map(\.cell), [.count(1), .count(10), .count(2), .count(0)])
        let error = self.error("@files | top 3 | rate")
        XCTAssertEqual(error?.offset, 17)
        XCTAssertEqual(error?.length, 4)
        XCTAssertTrue(
            error?.message.hasPrefix("rate needs the time @files covers") ?? false, "\(String(describing: error))")
    }

    func testDiffThenRateIsPerSecondSinceTheSnapshot() throws {
        var before = files
        before.capture = CaptureSpan(start: 0, end: 100)
        var after = files
        after.rows[1].cell = .count(60)
        after.capture = CaptureSpan(start: 0, end: 110)
        let result = try run("@files | diff snap | rate", on: after, ["snap": before])
        XCTAssertEqual(result.rows[1].cell, .count(2))
        XCTAssertEqual(result.capture, CaptureSpan(start: 100, end: 110))
    }

    func testJoinAddsAValueColumnPerTable() throws {
        let reads = Build.map("@reads", [Build.row([.string("a")], .count(3)), Build.row([.string("b")], .count(1))])
        let writes = Build.map("@writes", [Build.row([.string("b")], .sum(9)), Build.row([.string("c")], .sum(2))])
        let joined = try run("@reads | join @writes | where writes > 1", on: reads, ["@writes": writes])
        XCTAssertEqual(joined.valueNames, ["reads", "writes"])
        XCTAssertEqual(
            joined.rows,
            [
                Build.row([.string("b")], .value(.tuple([.int(1), .int(9)]))),
                Build.row([.string("c")], .value(.tuple([.none, .int(2)]))),
            ])
        XCTAssertEqual(ColumnTable.render(joined), "key  reads  writes\nb        1       9\nc                2\n")
    }

    func testAsKeepsTheResultMidwayAndAtTheEnd() throws {
        _ = try run("@files | where key2 == \"agentd\" | as agent | top 1 as best")
        XCTAssertEqual(kept["agent"]?.rows.count, 2)
        XCTAssertEqual(kept["best"]?.rows.map(\.cell), [.count(7)])
    }

    func testOutputIsLastAndHandedToTheCaller() throws {
        let pipeline = try QueryPipeline.parse("@files | top 10 | save x.csv --force").get()
        XCTAssertEqual(pipeline.output?.stage.text, "save")
        XCTAssertEqual(pipeline.output?.arguments, ["x.csv", "--force"])
        let error = self.error("@files | hist | top 3")
        XCTAssertEqual(error?.offset, 9)
        XCTAssertEqual(error?.message, "'hist' shows or writes the table, so it must be the last stage")
    }

    func testSyscallsNamesTheIdsOfAKeyColumn() throws {
        let bySyscall = Build.map(
            "@by_syscall",
            [Build.row([.int(0)], .count(9)), Build.row([.int(202)], .count(4)), Build.row([.int(9999)], .count(1))])
        XCTAssertEqual(
            keys(try run("@by_syscall | syscalls", on: bySyscall)),
            [[.string("read")], [.string("futex")], [.string("9999")]])
        let byPair = Build.map(
            "@slowest", [Build.row([.uint(1), .string("dd")], .count(3))])
        XCTAssertEqual(
            keys(try run("@slowest | syscalls key1 | top 1", on: byPair)), [[.string("write"), .string("dd")]])
        let text = "@slowest | syscalls value"
        XCTAssertEqual(
            error(text, on: byPair)?.pointing(into: text),
            "syscalls names a key column (key, key1...), not a value\n  @slowest | syscalls value\n"
                + "                      ^^^^^")
    }

    // MARK: errors with carets

    func testUnknownStagePointsAtIt() {
        let text = "@files | tpo 3"
        let error = self.error(text)
        XCTAssertEqual(
            error?.pointing(into: text),
            "unknown stage 'tpo': expected " + QueryStage.names.joined(separator: ", ") + "\n  @files | tpo 3\n"
                + "           ^^^")
    }

    func testUnknownColumnPointsAtItAndListsTheColumns() {
        let text = "@files | top 3 by size"
        let error = self.error(text)
        XCTAssertEqual(
            error?.pointing(into: text),
            "unknown column 'size': @files has key, key1, key2, value\n  @files | top 3 by size\n"
                + "                    ^^^^")
    }

    func testBadConditionPointsIntoTheStatement() {
        let text = #"@files | where key2 = "agentd" and sz > 3"#
        let error = self.error(text)
        XCTAssertEqual(error?.offset, 35)
        XCTAssertTrue(error?.message.hasPrefix("unknown column 'sz'") ?? false, "\(String(describing: error))")
        let first = self.error(#"where @files kee == "a" | hist"#)
        XCTAssertEqual(first?.offset, 13)
    }

    func testBadSelectAndGroupPointAtTheProblem() {
        XCTAssertEqual(self.error("@files | select key2, value / ")?.offset, 29)
        XCTAssertEqual(self.error("@files | select key2, bytes * 2")?.offset, 22)
        XCTAssertEqual(self.error("@files | group key2")?.offset, 15)
        XCTAssertEqual(self.error("@files | group by key9x")?.offset, 18)
        XCTAssertEqual(self.error("@files | normalize 0")?.offset, 19)
        XCTAssertEqual(self.error("@files | join @nope")?.message, "no table named '@nope'")
        XCTAssertEqual(self.error("@files | join @nope")?.offset, 14)
        XCTAssertEqual(self.error("@files |  | top")?.offset, 10)
        XCTAssertEqual(self.error("print @files 3 | top")?.offset, 0)
    }
}
