import XCTest

@testable import Language

/// The standard-library rows of issue 13 as the type checker sees them (fake catalogue).
final class StdlibFunctionTests: XCTestCase {
    private func type(of call: String, setup: String = "") throws -> SType {
        let checked = try check("BEGIN { \(setup) @r = \(call); }")
        guard let info = checked.maps.first(where: { $0.name == "r" }), case .plain(let t) = info.value else {
            XCTFail("@r has no plain value")
            return .void
        }
        return t
    }

    func testResultTypes() throws {
        XCTAssertEqual(try type(of: "strcontains(\"abc\", \"b\")"), .bool)
        XCTAssertEqual(try type(of: "strlen(comm)"), .u64)
        XCTAssertEqual(try type(of: "syscall_name(0)"), .named(.syscall))
        XCTAssertEqual(try type(of: "signal_name(2)"), .named(.signal))
        XCTAssertEqual(try type(of: "strerror(22)"), .named(.errno))
        XCTAssertEqual(try type(of: "username"), .named(.user))
        XCTAssertEqual(try type(of: "true"), .bool)
        XCTAssertEqual(try type(of: "has_key(@m, (1, \"a\"))", setup: "@m[1, \"a\"] = 1;"), .bool)
    }

    func testBoolIsACondition() throws {
        XCTAssertNoThrow(try check("BEGIN { if (strcontains(comm, \"sh\")) { exit(); } }"))
        XCTAssertNoThrow(try check("BEGIN { @m[1] = 1; if (!has_key(@m, 2)) { exit(); } }"))
    }

    func testRefusals() {
        XCTAssertEqual(
            semanticErrors("BEGIN { @g = 2; if (has_key(@g, 2)) { exit(); } }", at: ["@g #2"]),
            ["call to has_key() expects a map with explicit keys (non-scalar map)"])
        XCTAssertEqual(
            semanticErrors("BEGIN { @g[1, \"hi\"] = 2; @r = has_key(@g, (1, 2)); }", at: ["(1, 2)"]).first?
                .hasPrefix("Argument mismatch for @g"), true)
        XCTAssertEqual(
            semanticErrors("BEGIN { @r = strlen(1); }", at: ["1"]), ["strlen() takes a string, not int8"])
        XCTAssertEqual(
            semanticErrors("BEGIN { @r = syscall_name(\"read\"); }", at: ["\"read\""]),
            ["argument 1 of syscall_name() must be an integer, not string[5]"])
        XCTAssertEqual(
            semanticErrors(
                "BEGIN { @r = strcontains(str(cpu, 200), str(cpu, 100)); }",
                at: [
                    "strcontains(str(cpu, 200), str(cpu, 100))"
                ]
            ).count, 1, "the unrolled comparison is bounded")
    }
}
