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

/// The lowerings added for bpftrace's runtime suite (issue 13, part 3).
final class StdlibLoweringTests3: XCTestCase {
    func testLenCountsWithACallback() throws {
        let compiled = try compile("BEGIN { @m[1] = 1; if (len(@m) > 1) { exit(); } }")
        assertWellFormed(compiled)
        let program = compiled.programs[0]
        XCTAssertTrue(program.helperCalls.contains(164), "bpf_for_each_map_elem")
        XCTAssertTrue(program.helperCalls.contains(113), "the count laundered through probe_read_kernel")
        XCTAssertEqual(program.functionStarts.count, 2, "the probe and the counting callback")
    }

    func testClocks() throws {
        let compiled = try compile(
            "BEGIN { @a = nsecs; @b = nsecs(monotonic); @c = nsecs(tai); @d = nsecs(sw_tai); @e = nsecs(boot); }")
        assertWellFormed(compiled)
        let helpers = compiled.programs[0].helperCalls
        XCTAssertTrue(helpers.contains(125), "nsecs is boot time")
        XCTAssertTrue(helpers.contains(5), "monotonic")
        XCTAssertTrue(helpers.contains(208), "tai")
    }

    func testBuffersAndAddresses() throws {
        let compiled = try compile(
            """
            BEGIN { @a[buf("ok_key", 7)] = 1; $b = buf(curtask, 16); $n = 4; $c = buf(curtask, $n);
              printf("%r %rx %rh\\n", $b, $c, buf("hi", 2)); @e = ($b == $c); }
            END { @f = ntop(10, pton("::1")); @g = ntop(2, pton("10.0.0.1")); @h = strftime("%H:%M:%S.%f", nsecs); }
            """)
        assertWellFormed(compiled)
        XCTAssertTrue(compiled.programs[1].loadedConstants.contains(0x0100_000a), "10.0.0.1 in memory order")
    }

    func testPointerArithmeticScales() throws {
        let compiled = try compile("BEGIN { $p = (int32 *)0x32; $p += 3; $p++; @p = $p + 5; @q = *$p; }")
        assertWellFormed(compiled)
    }

    func testDivisionByZeroIsChecked() throws {
        let checked = try compile("BEGIN { @z = 0; @r = 10 / @z; @s = 10 % @z; @t = 10 / 5; }")
        assertWellFormed(checked)
        XCTAssertEqual(checked.checked.formats.count, 2, "one warning per division by a value not known")
    }

    func testDeleteReturnsWhetherItDeleted() throws {
        let compiled = try compile(
            "BEGIN { @m[1, 2] = 1; @c = count(); if (delete(@m, (1, 2))) { delete(@c); } $x = delete(@m, (3, 4)); }")
        assertWellFormed(compiled)
        XCTAssertTrue(compiled.programs[0].helperCalls.contains(3), "bpf_map_delete_elem")
    }
}

final class VariableAddressLoweringTests: XCTestCase {
    func testAddressesAndDereferencesCompile() throws {
        let compiled = try compile(
            "BEGIN { $a = 1; $b = &$a; print(($b, *$b)); $t = (1, \"hello\", 2); print(*(&$t)); $s = (int8 *)&$t; @c = *++$s; }")
        assertWellFormed(compiled)
        XCTAssertTrue(compiled.programs[0].helperCalls.contains(113), "the tuple read back with probe_read_kernel")
    }
}

final class ExitLoweringTests: XCTestCase {
    /// Nothing after exit() runs: the map update after it is unreachable, so LLVM removes it
    /// and the program is the same as without it.
    func testExitEndsTheProbe() throws {
        let ended = try compile("BEGIN { @a = 1; exit(); @a = 2; }")
        assertWellFormed(ended)
        let without = try compile("BEGIN { @a = 1; exit(); }")
        XCTAssertEqual(ended.programs[0].instructions.count, without.programs[0].instructions.count)
        XCTAssertEqual(ended.programs[0].helperCalls.filter { $0 == 2 }.count, 1, "one bpf_map_update_elem")
    }
}

final class ParentTaskLoweringTests: XCTestCase {
    func testParentReadsAreKernelReads() throws {
        let compiled = try compile(
            "BEGIN { printf(\"%d %s\\n\", ppid(), pcomm(curtask)); }")
        assertWellFormed(compiled)
        XCTAssertTrue(compiled.programs[0].helperCalls.contains(113), "bpf_probe_read_kernel")
        XCTAssertTrue(compiled.programs[0].helperCalls.contains(115), "bpf_probe_read_kernel_str")
    }
}

final class StringIndexLoweringTests: XCTestCase {
    func testStringIndexesAreBounded() throws {
        let checked = try checkedProgram("BEGIN { $a = \"foo\"; $i = 10; @c = $a[0]; @d = $a[$i]; }")
        XCTAssertEqual(checked.maps.first { $0.name == "c" }?.value, .plain(.int(bytes: 1, signed: true)))
        let compiled = try compile("BEGIN { $a = \"foo\"; $i = 10; @c = $a[0]; @d = $a[$i]; @e = $a[7]; }")
        assertWellFormed(compiled)
        XCTAssertFalse(compiled.programs[0].helperCalls.contains(113), "read from the stack, no probe_read")
    }
}

final class ErrorPointerLoweringTests: XCTestCase {
    func testIsErrIsARangeCheck() throws {
        let compiled = try compile("BEGIN { @a = is_err(-22); @b = is_err(curtask); }")
        assertWellFormed(compiled)
        XCTAssertEqual(
            try checkedProgram("BEGIN { @a = is_err(-22); }").maps.first?.value, .plain(.bool))
    }
}

final class TupleKeyLoweringTests: XCTestCase {
    /// A key of several parts given as one tuple value is written whole, not truncated to its
    /// first part: the delete and the lookup build the same 24-byte key as the assignment.
    func testATupleValueIsAWholeKey() throws {
        let compiled = try compile(
            "BEGIN { @m[1, 2, 3] = 1; $k = (1, 2, 3); delete(@m, $k); @h = has_key(@m, $k); }")
        assertWellFormed(compiled)
        let checked = try checkedProgram("BEGIN { @m[1, 2, 3] = 1; $k = (1, 2, 3); delete(@m, $k); }")
        XCTAssertEqual(checked.maps.first { $0.name == "m" }?.keySize, 24)
    }
}
