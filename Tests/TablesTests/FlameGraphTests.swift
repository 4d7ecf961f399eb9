import Foundation
import Tables
import XCTest

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Reads an SVG with XMLParser: fails on malformed XML, collects frame titles and fills.
private final class SVGReader: NSObject, XMLParserDelegate {
    struct Frame {
        var title = ""
        var fill = ""
        var width = 0.0
    }
    var frames: [Frame] = []
    var texts: [String] = []
    private var inTitle = false
    private var inFrame = false
    private var current = Frame()
    private var text = ""
    var error: Error?

    static func read(_ svg: String) -> SVGReader {
        let reader = SVGReader()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = reader
        if !parser.parse() { reader.error = parser.parserError ?? NSError(domain: "xml", code: 1) }
        return reader
    }

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        text = ""
        if name == "g", attributes["class"] == "f" {
            inFrame = true
            current = Frame()
        }
        if name == "title", inFrame { inTitle = true }
        if name == "rect", inFrame {
            current.fill = attributes["fill"] ?? ""
            current.width = Double(attributes["width"] ?? "") ?? -1
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "title", inTitle {
            current.title = text
            inTitle = false
        }
        if name == "text" { texts.append(text) }
        if name == "g", inFrame {
            frames.append(current)
            inFrame = false
        }
    }

    /// Frame names (the first line of each title).
    var names: [String] { frames.map { String($0.title.split(separator: "\n", omittingEmptySubsequences: false)[0]) } }
}

final class FlameGraphTests: XCTestCase {
    func testWellFormedAndHasEveryFrame() throws {
        let folded = FoldedStacks(table: StackFoldTests.profile)
        let svg = FlameGraph.svg(folded: folded, title: "CPU", width: 1200)
        let reader = SVGReader.read(svg)
        XCTAssertNil(reader.error)
        let names = Set(reader.names)
        for line in folded.lines {
            for frame in line.frames { XCTAssertTrue(names.contains(frame), frame) }
        }
        XCTAssertTrue(names.contains("all"))
        // Merged frames appear once per distinct position: `cat` is one frame of 15 samples.
        let cat = try XCTUnwrap(reader.frames.first { $0.title.hasPrefix("cat\n") })
        XCTAssertEqual(cat.title, "cat\n15 samples, 78.95%")
        XCTAssertEqual(reader.frames.filter { $0.title.hasPrefix("cat\n") }.count, 1)
        XCTAssertTrue(reader.frames.first { $0.title.hasPrefix("all\n") }!.title.hasSuffix("19 samples, 100.00%"))
        XCTAssertTrue(svg.contains("<script"))
        XCTAssertTrue(svg.contains("Reset Zoom"))
        XCTAssertTrue(svg.contains("Search"))
        XCTAssertFalse(svg.contains("http://www.w3.org/2000/svg\" href"), "no external resources")
        XCTAssertFalse(svg.contains("xlink:href"))
    }

    func testDeterministicColoursAndKernelHue() {
        let folded = FoldedStacks(table: StackFoldTests.profile)
        XCTAssertEqual(FlameGraph.svg(folded: folded), FlameGraph.svg(folded: folded))
        let reader = SVGReader.read(FlameGraph.svg(folded: folded))
        func fill(_ name: String) -> (r: Int, g: Int, b: Int) {
            let f = reader.frames.first { $0.title.hasPrefix(name + "\n") }!.fill
            let parts = f.dropFirst(4).dropLast().split(separator: ",").map { Int($0)! }
            return (parts[0], parts[1], parts[2])
        }
        let kernel = fill("vfs_read_[k]"), user = fill("main")
        XCTAssertGreaterThan(kernel.b, kernel.r, "kernel frames are cool")
        XCTAssertGreaterThan(user.r, user.b, "user frames are warm")
    }

    func testEscapesSpecialCharacters() {
        let text = "a<b>&\"quoted\" 'single';std::map<int, x&y> 3\nctl\u{1}char 1\n"
        let folded = FoldedStacks.parse(text)
        let svg = FlameGraph.svg(folded: folded, title: "T <&> \"x\"")
        let reader = SVGReader.read(svg)
        XCTAssertNil(reader.error)
        XCTAssertTrue(reader.names.contains("a<b>&\"quoted\" 'single'"))
        XCTAssertTrue(reader.names.contains("std::map<int, x&y>"))
        XCTAssertTrue(reader.names.contains("ctl\u{FFFD}char"))
        XCTAssertTrue(reader.texts.contains("T <&> \"x\""))
        XCTAssertFalse(svg.contains("<b>"))
    }

    func testPrunesTinyFrames() {
        var lines = [FoldedStacks.Line(frames: ["big", "child"], count: 1_000_000)]
        for i in 0..<50 { lines.append(.init(frames: ["tiny\(i)"], count: 1)) }
        let reader = SVGReader.read(FlameGraph.svg(folded: FoldedStacks(lines: lines), width: 1200))
        XCTAssertEqual(Set(reader.names), ["all", "big", "child"])
        let everything = SVGReader.read(FlameGraph.svg(folded: FoldedStacks(lines: lines), options: .init(minWidth: 0)))
        XCTAssertEqual(everything.names.count, 53)
    }

    func testInvertedAndEmpty() {
        let folded = FoldedStacks(table: StackFoldTests.profile)
        XCTAssertNil(
            SVGReader.read(FlameGraph.svg(folded: folded, options: .init(inverted: true, subtitle: "s"))).error)
        let empty = SVGReader.read(FlameGraph.svg(folded: FoldedStacks(lines: [])))
        XCTAssertNil(empty.error)
        XCTAssertEqual(empty.names, [])
    }

    func testDifferentialMarksGrowthAndReduction() throws {
        let before = FoldedStacks.parse("main;read 10\nmain;write 10\nmain;gone 5\n")
        let after = FoldedStacks.parse("main;read 30\nmain;write 5\nmain;new 5\n")
        let svg = DifferentialFlameGraph.svg(before: before, after: after, title: "diff")
        let reader = SVGReader.read(svg)
        XCTAssertNil(reader.error)
        func frame(_ name: String) -> SVGReader.Frame? { reader.frames.first { $0.title.hasPrefix(name + "\n") } }
        let read = try XCTUnwrap(frame("read")), write = try XCTUnwrap(frame("write")),
            new = try XCTUnwrap(frame("new"))
        XCTAssertEqual(read.fill, "rgb(255,0,0)", "largest growth is fully red")
        XCTAssertTrue(write.fill.hasSuffix(",255)"), "reduction is blue: \(write.fill)")
        XCTAssertTrue(new.fill.hasPrefix("rgb(255,"), "new frame grew: \(new.fill)")
        XCTAssertEqual(frame("main")?.fill, "rgb(250,250,250)", "no self samples changed in main")
        XCTAssertNil(frame("gone"), "width comes from the second profile")
        XCTAssertTrue(read.title.contains("30 samples"))
        XCTAssertTrue(read.title.contains("before 10, +20 (+200.00%)"))
        // Frame widths follow `after`: read (30 of 40 samples) is 3/4 of the drawing width.
        XCTAssertEqual(read.width, 1180 * 0.75, accuracy: 0.01)
        let swapped = SVGReader.read(DifferentialFlameGraph.svg(before: after, after: before))
        XCTAssertTrue(swapped.frames.first { $0.title.hasPrefix("read\n") }!.fill.hasSuffix(",255)"))
    }

    /// 100,000 distinct stacks of 20 frames: fold a table, render the flame graph.
    func testBenchmarkHundredThousandStacks() {
        let functions = (0..<2000).map { "function_\($0)" }
        var rows: [MapTable.Row] = []
        rows.reserveCapacity(100_000)
        var seed: UInt64 = 42
        func next() -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int(truncatingIfNeeded: seed >> 33)
        }
        for i in 0..<100_000 {
            var kernel: [String] = []
            var user: [String] = []
            for depth in 0..<10 {
                kernel.append(functions[(depth * 37 + next() % 40) % functions.count] + "+\(next() % 300)")
                user.append(functions[1000 + (depth * 53 + next() % 60) % 1000] + "+\(next() % 300)")
            }
            user[0] = "leaf_\(i)+1"
            rows.append(
                MapTable.Row(
                    key: [.stack(kernel), .stack(user), .string("app\(i % 8)")],
                    cell: .count(UInt64(1 + next() % 100))))
        }
        let table = MapTable(name: "@", rows: rows)
        let expected = rows.reduce(UInt64(0)) { n, row in
            if case .count(let c) = row.cell { return n + c }
            return n
        }

        let start = Date()
        let folded = FoldedStacks(table: table)
        let folding = Date().timeIntervalSince(start)
        let text = folded.text
        let texting = Date().timeIntervalSince(start) - folding
        let svg = FlameGraph.svg(folded: folded)
        let total = Date().timeIntervalSince(start)
        print(
            String(
                format:
                    "bench: fold 100k×20 %.3f s, text %.3f s (%d bytes), flame graph %.3f s (%d bytes), total %.3f s",
                folding, texting, text.utf8.count, total - folding - texting, svg.utf8.count, total))
        XCTAssertEqual(folded.lines.count, 100_000)
        XCTAssertEqual(folded.totalSamples, expected)
        XCTAssertEqual(FoldedStacks.parse(text).totalSamples, expected)
        // The figure is printed for the record (an optimized build folds in ~0.6 s, under the
        // 1 s target); what is asserted is the result, never the time.
    }
}
