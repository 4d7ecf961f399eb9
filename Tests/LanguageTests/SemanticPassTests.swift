import Language
import LanguageTestSupport
import XCTest

/// The analyzer's passes: resolve, type (until the maps settle), check maps, check probes.
final class SemanticPassTests: XCTestCase {
    func testAMapAssignedOnlyByALaterProbeIsNotReportedUnassigned() throws {
        let checked = try check("BEGIN { print(@late); $v = @late; clear(@late); } END { @late = 1; }")
        XCTAssertEqual(checked.maps.map(\.name), ["late"])
    }

    func testAMapNoProbeAssignsIsReportedAtEachUse() {
        let text = "BEGIN { $v = @gone[1]; print(@gone); }"
        let found = semanticDiagnostics(text).map { "\($0.message) @ \(sourceText(of: $0.range, in: text))" }
        XCTAssertEqual(
            found, ["@gone is read but never assigned @ @gone[1]", "@gone is printed but never assigned @ @gone"])
    }

    func testAPredicateThatIsNotAnIntegerIsReportedOncePerProbe() {
        let text = "tracepoint:sched:sched_switch, tracepoint:sched:sched_wakeup /comm/ { @n = count(); }"
        let found = semanticDiagnostics(text)
        XCTAssertEqual(found.map(\.message), ["a predicate must be an integer or a comparison, not string[16]"])
        XCTAssertEqual(found.map { sourceText(of: $0.range, in: text) }, ["comm"])
    }

    func testResolutionErrorsStopBeforeTyping() {
        // The body's type error is not reported: nothing is typed until every attach point resolves.
        XCTAssertEqual(
            semanticErrors("tracepoint:nosuch:event { @x = count(); @x = 1; }").count, 1)
    }
}
