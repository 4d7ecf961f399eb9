import LanguageTestSupport
import XCTest

@testable import Language

/// Names that stand for integers: the table of common `#define`s, then the kernel's enums.
final class ConstantsTests: XCTestCase {
    /// The value the type checker gave the identifier assigned to @x.
    private func constant(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> Int64? {
        let checked = try check(text)
        let unit = checked.units[0]
        guard case .assign(_, _, let value) = try parse(text).probes[0].body[0].kind else {
            XCTFail("not an assignment", file: file, line: line)
            return nil
        }
        return unit.constants[value.id].map { Int64(bitPattern: $0) }
    }

    func testTableNamesResolve() throws {
        XCTAssertEqual(try constant("BEGIN { @x = AF_INET6; }"), 10)
        XCTAssertEqual(try constant("BEGIN { @x = SIGKILL; }"), 9)
        XCTAssertEqual(try constant("BEGIN { @x = AT_FDCWD; }"), -100)
        XCTAssertEqual(try constant("BEGIN { @x = O_CREAT; }"), 0o100)
        XCTAssertEqual(try constant("BEGIN { @x = TASK_INTERRUPTIBLE; }"), 1)
    }

    func testEnumeratorsComeFromTheCatalogue() throws {
        XCTAssertEqual(try constant("BEGIN { @x = SKB_DROP_REASON_NOT_SPECIFIED; }"), 2)
        XCTAssertEqual(try constant("BEGIN { @x = TCP_CLOSE; }"), 7)
    }

    func testPrecedence() throws {
        // The table is consulted before the kernel's enums (the fake kernel says 99)...
        XCTAssertEqual(try constant("BEGIN { @x = TASK_RUNNING; }"), 0)
        // ...a #define before both, and a builtin variable keeps its meaning.
        XCTAssertEqual(block(try parse("#define AF_INET 7\nBEGIN { @x = AF_INET; }").probes[0].body), "{(= @x 7)}")
        XCTAssertNil(try constant("BEGIN { @x = pid; }"))
    }

    func testConstantsWorkInPredicatesAndComparisons() throws {
        let checked = try check(
            "t:sched:sched_switch /args.prev_state == TASK_RUNNING/ "
                + "{ @[args.prev_state != TASK_UNINTERRUPTIBLE] = count(); }")
        XCTAssertEqual(checked.units.count, 1)
    }

    func testUnknownNamesAreStillErrors() {
        XCTAssertEqual(
            semanticErrors("BEGIN { @x = TASK_RUNNNG; }", at: ["TASK_RUNNNG"]).first?.hasPrefix(
                "unknown identifier 'TASK_RUNNNG'"), true)
    }

    func testTableHasNoDuplicateNamesWithDifferentValues() {
        var seen: [String: Int64] = [:]
        for row in KnownConstants.all {
            if let earlier = seen[row.name] { XCTAssertEqual(earlier, row.value, row.name) }
            seen[row.name] = row.value
        }
        XCTAssertGreaterThan(seen.count, 150)
    }
}
