import LanguageTestSupport
import XCTest

@testable import Language

/// Integer arrays (casts, struct members, indexing) and percpu_kaddr() as the type checker
/// sees them.
final class ArrayAndPercpuTypingTests: XCTestCase {
    func testCastsToArraysTakeTheirLengthFromTheOperand() {
        XCTAssertEqual(typeOf(#"(int8[])"hello""#), .array(element: .int(bytes: 1, signed: true), count: 6))
        XCTAssertEqual(typeOf(#"(uint8[5])"hello""#), .array(element: .int(bytes: 1, signed: false), count: 5))
        XCTAssertEqual(typeOf("(int8[])12345"), .array(element: .int(bytes: 1, signed: true), count: 8))
        XCTAssertEqual(typeOf("(uint8[])(uint16)7"), .array(element: .int(bytes: 1, signed: false), count: 2))
        XCTAssertEqual(typeOf(#"((int8[])"hi")[1]"#), .int(bytes: 1, signed: true))
        XCTAssertEqual(typeOf(#"(uint16)(uint8[2])"hi""#), .int(bytes: 2, signed: false))
        XCTAssertEqual(SType.array(element: .array(element: .int(bytes: 4, signed: true), count: 2), count: 3).description, "int32[3][2]")
        XCTAssertEqual(
            semanticErrors("BEGIN { $x = (int16[])(uint8)1; $y = (uint32)(uint8[2])\"ab\"; }"),
            [
                "cannot cast uint8 to int16[]: 1 bytes are not whole elements",
                "cannot cast uint8[2] to uint32: an array becomes an integer of its own size",
            ])
    }

    func testStructArraysAreIndexedAndBoundsKnownWhenCompilingAreChecked() throws {
        let prefix = "struct A { int x[4]; unsigned short y[2][3]; int z[0]; } "
        XCTAssertEqual(typeOf("$a->x", prelude: "$a = (struct A *)0;", programPrefix: prefix),
            .array(element: .int(bytes: 4, signed: true), count: 4))
        XCTAssertEqual(typeOf("$a->y[1]", prelude: "$a = (struct A *)0;", programPrefix: prefix),
            .array(element: .int(bytes: 2, signed: false), count: 3))
        XCTAssertEqual(typeOf("$a->y[1][2]", prelude: "$a = (struct A *)0;", programPrefix: prefix),
            .int(bytes: 2, signed: false))
        // A flexible array member has no length to check against.
        XCTAssertEqual(typeOf("$a->z[7]", prelude: "$a = (struct A *)0;", programPrefix: prefix),
            .int(bytes: 4, signed: true))
        XCTAssertEqual(
            semanticErrors(prefix + "BEGIN { $a = (struct A *)0; @v = $a->x[4]; @w = $a->x == $a->y[0]; }"),
            [
                "the index 4 is out of bounds for array of size 4",
                "'==' cannot compare int32[4] with uint16[3]",
            ])
        // Whole arrays are values: map keys, map values, tuple elements.
        let checked = try check(prefix + "BEGIN { $a = (struct A *)0; @k[$a->x, 1] = (1, $a->y); }")
        XCTAssertEqual(checked.maps.first?.keys.first, .array(element: .int(bytes: 4, signed: true), count: 4))
    }

    func testPercpuKaddrIsTypedByTheVariableAndFindsItTheWayThisKernelAllows() throws {
        let withoutKallsyms = PercpuCatalogue(kallsyms: false)
        let program = #"BEGIN { $r = percpu_kaddr("runqueues", 1); @n = $r->nr_running; @c = *percpu_kaddr("process_counts"); }"#
        let checked = try check(program, catalogue: withoutKallsyms)
        XCTAssertEqual(checked.units[0].variables["r"], .pointer(pointee: "struct rq"))
        XCTAssertEqual(
            Set(checked.units[0].perCPUVariables.values),
            [
                .besideRunqueue(cfsRqOffset: 128 + 8, rqOffset: 16, delta: 0),
                .besideRunqueue(cfsRqOffset: 128 + 8, rqOffset: 16, delta: 4096 - 1000),
            ])
        let named = try check(program, catalogue: PercpuCatalogue(kallsyms: true))
        XCTAssertEqual(Set(named.units[0].perCPUVariables.values), [.btf(id: 7), .btf(id: 9)])

        for (text, message) in [
            (#"BEGIN { print(percpu_kaddr("nope")); }"#, #"Could not resolve variable "nope" from BTF"#),
            (#"BEGIN { print(percpu_kaddr("jiffies")); }"#, #""jiffies" is not a per-CPU variable"#),
            ("BEGIN { print(percpu_kaddr(comm)); }", "percpu_kaddr() takes a kernel variable's name as a string literal"),
        ] {
            XCTAssertThrowsError(try check(text, catalogue: withoutKallsyms)) { error in
                XCTAssertEqual((error as? DiagnosticList)?.diagnostics.map(\.message), [message], text)
            }
        }
    }
}

/// A kernel with two per-CPU variables (and `jiffies`, which is not one), with or without
/// their names in kallsyms.
private struct PercpuCatalogue: ProbeCatalogue {
    var kallsyms: Bool
    let kernel = FakeCatalogue()

    func expand(_ target: ProbeTarget) throws -> [ProbeTarget] { try kernel.expand(target) }
    func context(for target: ProbeTarget) throws -> ProbeContext { try kernel.context(for: target) }
    func kernelAddress(of symbol: String) -> UInt64? { kallsyms ? 0xffff_ffff_8100_0000 : nil }

    func percpuVariable(named name: String) -> KernelVariable? {
        switch name {
        case "runqueues": return KernelVariable(btfID: 7, typeName: "struct rq", isPerCPU: true, sectionOffset: 1000)
        case "process_counts":
            return KernelVariable(btfID: 9, typeName: "unsigned long", isPerCPU: true, sectionOffset: 4096)
        case "jiffies": return KernelVariable(btfID: 11, typeName: "unsigned long", isPerCPU: false)
        default: return nil
        }
    }

    func member(of typeName: String, named name: String) -> ContextField? {
        switch (typeName, name) {
        case ("struct task_struct", "se"): return ContextField(name: "se", offset: 128, size: 8, kind: .record(name: "struct sched_entity"))
        case ("struct sched_entity", "cfs_rq"): return ContextField(name: "cfs_rq", offset: 8, size: 8, kind: .pointer(pointee: "struct cfs_rq"))
        case ("struct cfs_rq", "rq"): return ContextField(name: "rq", offset: 16, size: 8, kind: .pointer(pointee: "struct rq"))
        case ("struct rq", "nr_running"): return ContextField(name: "nr_running", offset: 4, size: 4, kind: .integer(signed: false))
        default: return nil
        }
    }
}

extension ArrayAndPercpuTypingTests {
    func testArraysOfStructsAndStructPointersIndexByWholeStructs() throws {
        let prefix = "struct P { int a; long b; } struct Q { int n; struct P p[3]; } "
        let checked = try check(prefix + "BEGIN { $q = (struct Q *)0; @a = $q->p[2].b; $p = (struct P *)0; @b = $p[1].a; }")
        XCTAssertEqual(checked.units[0].variables["p"], .pointer(pointee: "struct P"))
        XCTAssertEqual(checked.structSizes["struct P"], 16)
        XCTAssertEqual(
            semanticErrors("BEGIN { $p = (struct nosuch *)0; @b = $p[1]; }"),
            ["cannot index a pointer to struct nosuch: its size is not known"])
    }
}
