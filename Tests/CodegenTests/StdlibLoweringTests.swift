import XCTest

@testable import Codegen
@testable import Language

/// The standard-library lowerings of issue 13 compile to well-formed BPF.
final class StdlibLoweringTests: XCTestCase {
    func testStringSearchCompiles() throws {
        let compiled = try compile(
            "BEGIN { @a = strcontains(comm, \"sh\"); @b = strlen(comm); @c = strcontains(\"\", \"\"); }")
        assertWellFormed(compiled)
        XCTAssertFalse(compiled.programs[0].helperCalls.contains(1), "no map lookup for a string search")
    }

    func testHasKeyIsALookup() throws {
        let compiled = try compile("BEGIN { @m[1, \"a\"] = 1; @r = has_key(@m, (1, \"a\")); }")
        assertWellFormed(compiled)
        XCTAssertTrue(compiled.programs[0].helperCalls.contains(1), "bpf_map_lookup_elem")
    }

    func testNamedIntegersTravelAsNumbers() throws {
        let compiled = try compile(
            "BEGIN { @a = syscall_name(39); @b = signal_name(2); @c = strerror(22); @d = username; @e = numaid; }")
        assertWellFormed(compiled)
        XCTAssertTrue(compiled.programs[0].loadedConstants.contains(39), "\(compiled.programs[0].loadedConstants)")
        XCTAssertTrue(compiled.programs[0].helperCalls.contains(42), "bpf_get_numa_node_id")
    }
}
