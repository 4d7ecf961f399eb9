import Foundation
import Language
import LanguageTestSupport
import Session
import Shell
import TestSupport
import XCTest

/// `show --timing`: where a probe's Enter → attached went, with the compile's own phases, and
/// the total the shell prints when a probe attaches.
final class ShowTimingTests: XCTestCase {
    var cache = CachedFakeShell()
    var output: [String] = []

    override func setUp() {
        cache = CachedFakeShell()
        output = []
    }

    override func tearDown() { cache.removeCache() }

    func shell() -> Shell {
        cache.make(output: { [unowned self] in output.append($0) }, errors: { XCTFail($0) })
    }

    /// The figures of `show --timing NAME`: the totals and the compile's phases.
    func timings(_ shell: Shell, _ name: String) throws -> (totals: [String: Double], phases: [String: Double]) {
        output = []
        XCTAssertTrue(shell.execute("show --timing \(name)"))
        let text = output.joined()
        let line = try XCTUnwrap(text.split(separator: "\n").first { $0.hasPrefix("compile ") }, text)
        func figures(_ pattern: String, in text: Substring) -> [String: Double] {
            let regex = try! NSRegularExpression(pattern: pattern)
            var result: [String: Double] = [:]
            for match in regex.matches(in: String(text), range: NSRange(text.startIndex..., in: text)) {
                let string = String(text) as NSString
                result[string.substring(with: match.range(at: 1))] = Double(string.substring(with: match.range(at: 2)))
            }
            return result
        }
        let totals = figures(#"(compile|load|attach) ([0-9.]+) ms"#, in: line)
        let inside = line.firstIndex(of: "(").map { line[$0...].prefix { $0 != ")" } } ?? ""
        return (totals, figures(#"(check|lower|optimize|codegen) ([0-9.]+)"#, in: inside))
    }

    func testShowTimingSplitsTheCompileAndTheAttachLineAddsUpTheTotals() throws {
        let shell = shell()
        defer { shell.session.close() }
        XCTAssertTrue(shell.execute("a = tracepoint:sched:sched_switch { @s[comm] = count(); }"))
        let announced = try XCTUnwrap(output.joined().split(separator: "\n").first { $0.hasPrefix("a attached ") })
        let attached = try XCTUnwrap(announced.split(separator: " ").dropLast().last)
        let fresh = try timings(shell, "a")
        XCTAssertEqual(Set(fresh.totals.keys), ["compile", "load", "attach"])
        XCTAssertEqual(Set(fresh.phases.keys), ["check", "lower", "optimize", "codegen"])
        // Each figure is rounded to 0.01 ms, the attach line's total to 0.1 ms.
        XCTAssertLessThanOrEqual(fresh.phases.values.reduce(0, +), fresh.totals["compile"]! + 0.05)
        XCTAssertEqual(Double(attached)!, fresh.totals.values.reduce(0, +), accuracy: 0.1)

        // Compiled ahead, the code comes from the cache: only the check ran at Enter.
        let line = "b = tracepoint:sched:sched_wakeup { @s[comm] = count(); }"
        shell.prepareAhead(line)
        XCTAssertTrue(shell.execute(line))
        XCTAssertEqual(Set(try timings(shell, "b").phases.keys), ["check"])
    }
}
