import TestRandom
import XCTest

@testable import Tables

final class TableFileTests: XCTestCase {
    typealias B = Build

    /// Every Cell kind and every Value kind, in keys and values.
    static let tables: [MapTable] = [
        B.map("@a", [B.row([], .count(UInt64.max))]),
        B.map("@empty", []),
        B.map("@c", [B.row([.string("bash, \"the\"\nshell")], .sum(Int64.min)), B.row([.string("")], .sum(3))]),
        B.map("@mm", [B.row([.int(-1), .uint(UInt64.max)], .min(-4)), B.row([.int(2), .uint(0)], .max(9))]),
        B.map(
            "@avg",
            [
                B.row([.symbol("vfs_read+0x12")], .avg(total: -7, count: 3)),
                B.row([.symbol("x")], .stats(total: 30, count: 2)),
            ]),
        B.map(
            "@h",
            [
                B.row([.int(1)], B.hist([5, 0, -1, 1000])), B.row([.int(2)], B.hist([7])),
                B.row([.int(3)], B.emptyHist()),
                B.row([.int(4)], .histogram(Histogram(kind: .log2, buckets: [3: 0, 64: 2]))),
            ]),
        B.map("@l", [B.row([], B.lhist([7, 150, -3], min: 0, max: 100, step: 10))]),
        B.map(
            "@ts",
            [
                B.row(
                    [.string("a")],
                    .timeSeries(
                        TimeSeries(
                            intervalNanoseconds: 100_000_000, intervals: 5,
                            points: [10: UInt64(bitPattern: -3), 12: 7], signed: true))),
                B.row(
                    [.string("b")],
                    .timeSeries(
                        TimeSeries(intervalNanoseconds: 1_000, intervals: 2, points: [:], signed: false))),
                B.row(
                    [.string("c")],
                    .timeSeries(
                        TimeSeries(intervalNanoseconds: 1_000, intervals: 2, points: [4: UInt64.max], signed: false))),
            ]),
        B.map("@stk", [B.row([.stack(["f1", "f2+0x10", "main"])], .count(4)), B.row([.stack([])], .count(1))]),
        B.map(
            "@odd",
            [
                B.row([.stack(["a;b", ""])], .count(1)), B.row([.tuple([.int(1), .string("x")])], .count(2)),
                B.row([.none], .count(3)), B.row([], .count(4)), B.row([.int(1), .int(2)], .count(5)),
            ]),
        B.map(
            "@v",
            [
                B.row([.int(1)], .value(.int(-5))), B.row([.int(2)], .value(.uint(7))),
                B.row([.int(3)], .value(.string("é🙂\t\u{1}"))), B.row([.int(4)], .value(.symbol("sym"))),
                B.row([.int(5)], .value(.stack(["k1", "k2"]))), B.row([.int(6)], .value(.stack([]))),
                B.row([.int(7)], .value(.tuple([.int(1), .tuple([.string("n"), .none]), .stack(["s"])]))),
                B.row([.int(8)], .value(.none)), B.row([.int(9)], .value(.stack([""]))),
            ]),
    ]

    func testRoundTripEveryFormatAndKind() throws {
        for table in Self.tables {
            for format in [TableFileFormat.csv, .json] {
                let text = TableFile.save(table, format: format)
                XCTAssertEqual(try TableFile.load(text, format: format), table, "\(format):\n\(text)")
            }
            XCTAssertEqual(TableFile.save(table, format: .text), BpftraceTextRenderer.render(table))
        }
    }

    /// A series keeps being a series through a file: its times (also of samples without rows),
    /// its source, start, interval and measure, and its key names.
    func testASeriesSurvivesSavingAndLoading() throws {
        var series = TableSeries.empty(name: "calls_t", source: "@calls", start: 1_764_759_600.125, interval: 0.5)
        series = try TableSeries.appending(
            B.map("@calls", [B.row([.string("bash")], .count(3)), B.row([.string("sh")], .count(1))]),
            at: 1_764_759_600.125, to: series)
        series = try TableSeries.appending(B.map("@calls", []), at: 1_764_759_600.625, to: series)
        series = try TableSeries.appending(
            B.map("@calls", [B.row([.string("bash")], .count(9))]), at: 1_764_759_601.125, to: series)
        var delta = series
        delta.series?.measure = .delta
        let keyed = MapTable(name: "q", rows: [B.row([.string("a"), .int(2)], .count(1))], keyNames: ["comm", "pid"])
        for table in [series, delta, keyed] {
            for format in [TableFileFormat.csv, .json] {
                let text = TableFile.save(table, format: format)
                var loaded = try TableFile.load(text, format: format)
                XCTAssertNil(loaded.capture, "a loaded table does not claim a capture time")
                loaded.capture = table.capture
                XCTAssertEqual(loaded, table, "\(format):\n\(text)")
            }
        }
        XCTAssertEqual(series.series?.times, [0, 500, 1000])
        let csv = TableFile.save(series, format: .csv)
        XCTAssertTrue(csv.hasPrefix("map,time_ms:uint,key:string,kind,"), csv)
        XCTAssertTrue(csv.contains("calls_t,500,,,,,,,,,@calls,1764759600.125,0.5,cumulative\n"), csv)
        let badMeasure = csv.replacingOccurrences(of: ",cumulative\n", with: ",sideways\n")
        XCTAssertThrowsError(try TableFile.load(badMeasure, format: .csv)) {
            XCTAssertTrue("\($0)".contains("expected cumulative, delta or rate"), "\($0)")
        }
    }

    func testRecordsSurviveJSON() throws {
        let table = B.map("@r", [B.row([.int(1)], .value(.record(names: ["a", "b"], values: [.int(1), .string("x")])))])
        XCTAssertEqual(try TableFile.load(TableFile.save(table, format: .json), format: .json), table)
    }

    func testFormatByExtension() {
        XCTAssertEqual(TableFileFormat(path: "/tmp/x.CSV"), .csv)
        XCTAssertEqual(TableFileFormat(path: "out.json"), .json)
        XCTAssertEqual(TableFileFormat(path: "a.b/out.txt"), .text)
        XCTAssertNil(TableFileFormat(path: "a.b/out"))
        XCTAssertNil(TableFileFormat(path: ".csv"))
        XCTAssertEqual(TableFile.save(Self.tables[0], path: "x.json")?.format, .json)
        XCTAssertThrowsError(try TableFile.load("@a: 1\n", format: .text))
    }

    func testGoldenCSV() {
        XCTAssertEqual(
            TableFile.save(
                B.map(
                    "@c",
                    [
                        B.row([.string("a,b")], .count(3)),
                        B.row([.string("x")], .avg(total: 7, count: 2)),
                    ]), format: .csv),
            """
            map,key:string,kind,value,total,count,bucket,low,high
            @c,"a,b",count,3,,,,,
            @c,x,avg,3,7,2,,,

            """)
        XCTAssertEqual(
            TableFile.save(B.map("@h", [B.row([.int(1), .stack(["f", "g"])], B.hist([0, 5, 5]))]), format: .csv),
            """
            map,key1:int,key2:stack,kind,value,total,count,bucket,low,high
            @h,1,f;g,hist,1,,,1,0,1
            @h,1,f;g,hist,2,,,4,4,8

            """)
        XCTAssertEqual(
            TableFile.save(B.map("@l", [B.row([], B.lhist([-1, 15, 200], min: 0, max: 100, step: 10))]), format: .csv),
            """
            map,kind,value,total,count,bucket,low,high
            @l,lhist:0:100:10,1,,,0,,0
            @l,lhist:0:100:10,1,,,2,10,20
            @l,lhist:0:100:10,1,,,11,100,

            """)
        XCTAssertEqual(
            TableFile.save(B.map("@e", []), format: .csv), "map,kind,value,total,count,bucket,low,high\n@e,,,,,,,\n")
    }

    func testGoldenJSON() {
        XCTAssertEqual(
            TableFile.save(
                B.map(
                    "@m",
                    [
                        B.row([.int(-5), .string("ba\"sh")], .count(12)),
                        B.row([], .value(.tuple([.uint(1), .none]))),
                    ]), format: .json),
            """
            {"format": "bpfsh.table", "version": 1, "name": "@m", "rows": [
            {"key": [{"int": -5}, {"string": "ba\\"sh"}], "cell": {"count": 12}},
            {"key": [], "cell": {"value": {"tuple": [{"uint": 1}, {"none": null}]}}}
            ]}

            """)
        XCTAssertEqual(
            TableFile.save(B.map("@e", []), format: .json),
            "{\"format\": \"bpfsh.table\", \"version\": 1, \"name\": \"@e\", \"rows\": []}\n")
    }

    func error(_ text: String, _ format: TableFileFormat) -> String {
        do {
            _ = try TableFile.load(text, format: format)
            return "no error"
        } catch {
            return "\(error.line):\(error.column) \(error.message)"
        }
    }

    func testErrors() {
        XCTAssertEqual(error("", .csv), "1:1 empty file: expected a header row")
        XCTAssertEqual(
            error("map,kind\n", .csv), "1:5 expected the header to end with kind,value,total,count,bucket,low,high")
        XCTAssertEqual(
            error("map,key:int,kind,value,total,count,bucket,low,high\n@m,x,count,1,,,,,\n", .csv),
            "2:4 expected an integer")
        XCTAssertEqual(
            error("map,kind,value,total,count,bucket,low,high\n@m,count,1,,,\n", .csv),
            "2:14 expected 8 fields, found 6")
        XCTAssertEqual(
            error("map,kind,value,total,count,bucket,low,high\n@m,what,1,,,,,\n", .csv), "2:4 unknown kind 'what'")
        XCTAssertEqual(
            error("map,kind,value,total,count,bucket,low,high\n@m,\"count,1,,,,,\n", .csv),
            "2:4 unterminated quoted field")
        XCTAssertEqual(error("", .json), "1:1 unexpected end of input")
        XCTAssertEqual(
            error(
                "{\"format\": \"bpfsh.table\", \"version\": 1,\n \"name\": \"@m\", "
                    + "\"rows\": [{\"key\": [], \"cell\": {\"count\": -1}}]}",
                .json),
            "2:55 expected an integer in range of UInt64")
        XCTAssertEqual(error("{\"format\": \"other\"}", .json), "1:1 not a bpfsh table (format \"other\")")
        XCTAssertEqual(
            error(
                "{\"format\": \"bpfsh.table\", \"version\": 1, \"name\": \"@m\", "
                    + "\"rows\": [{\"key\": [{\"float\": 1}], \"cell\": {\"count\": 1}}]}",
                .json),
            "1:73 unknown value kind \"float\"")
        XCTAssertEqual(error("[1.5]", .json), "1:3 only integers are expected in a table file")
        XCTAssertEqual(error(String(repeating: "[", count: 1000), .json), "1:201 nested too deeply")
    }

    func testFuzzCorruptInputNeverTraps() {
        var rng = SeededGenerator(seed: 0xB9F5_F11E)
        var failures = 0, loads = 0
        // Random bytes.
        for _ in 0..<2000 {
            let bytes = (0..<Int.random(in: 0..<200, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            for format in [TableFileFormat.csv, .json] {
                do {
                    _ = try TableFile.load(bytes, format: format)
                    loads += 1
                } catch {
                    failures += 1
                    XCTAssert(error.offset <= bytes.count && error.line >= 1 && error.column >= 1)
                }
            }
        }
        // Truncated and mutated valid files.
        let interesting: [UInt8] = Array(",\"\n\r;:[]{}0-9azé".utf8)
        for table in Self.tables {
            for format in [TableFileFormat.csv, .json] {
                let good = Array(TableFile.save(table, format: format).utf8)
                for cut in 0..<good.count {
                    do {
                        _ = try TableFile.load(Array(good[..<cut]), format: format)
                        loads += 1
                    } catch {
                        failures += 1
                        XCTAssert(error.offset <= cut)
                    }
                }
                for _ in 0..<300 {
                    var bytes = good
                    for _ in 0..<Int.random(in: 1...3, using: &rng) {
                        let i = Int.random(in: 0..<bytes.count, using: &rng)
                        switch Int.random(in: 0..<3, using: &rng) {
                        case 0: bytes[i] = interesting.randomElement(using: &rng)!
                        case 1: bytes.remove(at: i)
                        default: bytes.insert(UInt8.random(in: 0...255, using: &rng), at: i)
                        }
                        if bytes.isEmpty { break }
                    }
                    do {
                        _ = try TableFile.load(bytes, format: format)
                        loads += 1
                    } catch { failures += 1 }
                }
            }
        }
        print("table file fuzz: \(failures) errors, \(loads) loads without error")
    }
}
