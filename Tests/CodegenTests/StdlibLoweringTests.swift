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

    /// `for ($kv : @m)` becomes a callback of bpf_for_each_map_elem (164) in the same
    /// section, referenced by a BPF_PSEUDO_FUNC ld_imm64; nested loops make one each.
    func testForOverMapIsACallback() throws {
        let compiled = try compile(
            """
            BEGIN { @a[1, "x"] = 2; @b[3] = count(); $n = 0;
              for ($kv : @a) { $n += $kv.1; for ($kv2 : @b) { if ($kv2.1 > 1) { break; } print($kv2); } } print($n); }
            """)
        assertWellFormed(compiled)
        let program = compiled.programs[0]
        XCTAssertTrue(program.helperCalls.contains(164), "bpf_for_each_map_elem")
        XCTAssertTrue(program.helperCalls.contains(195), "per-CPU count summed with bpf_map_lookup_percpu_elem")
        XCTAssertEqual(program.functionStarts.count, 3, "the probe and two callbacks")
        XCTAssertEqual(program.decoded.filter { $0.opcode == Instruction.ldImm64 && $0.src == 4 }.count, 2)
    }

    func testProgramWithoutLoopsHasOneFunction() throws {
        XCTAssertEqual(try compile("BEGIN { @a[1] = 2; }").programs[0].functionStarts, [0])
    }
}
