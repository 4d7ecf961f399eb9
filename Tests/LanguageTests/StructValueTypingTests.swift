import LanguageTestSupport
import XCTest

@testable import Language

/// Struct values: `*p` of a struct pointer is the struct whole (the program's own or the
/// kernel's), and `args` used as a value is a record of its fields, as in bpftrace.
final class StructValueTypingTests: XCTestCase {
    func testDereferencingAStructPointerGivesTheStructInCLayout() throws {
        let prefix = "struct Foo { int m; char c[3]; struct Bar { short x; } bar; long *p; } "
        guard case .structure(let foo)? = typeOf("*((struct Foo *)arg0)", in: "kprobe:vfs_read", programPrefix: prefix) else {
            return XCTFail("not a struct value")
        }
        XCTAssertEqual(foo.name, "struct Foo")
        XCTAssertEqual(foo.size, 24)
        XCTAssertEqual(foo.fields.map(\.name), ["m", "c", "bar", "p"])
        XCTAssertEqual(foo.fields.map(\.offset), [0, 4, 8, 16])
        XCTAssertEqual(foo.fields[1].type, .string(size: 3), "a char array prints as a string")
        let bar = CStructType(name: "struct Bar", size: 2, fields: [.init(name: "x", offset: 0, type: .int(bytes: 2, signed: true))])
        XCTAssertEqual(foo.fields[2].type, .structure(bar))
        XCTAssertEqual(foo.fields[3].type, .pointer(pointee: "long"))
        XCTAssertEqual(SType.structure(foo).storageSize, 24)
    }

    func testMembersOfAStructValueAndOfItsNestedStructs() {
        let prefix = "struct Bar { short x; } struct Foo { int m; struct Bar bar; } "
        XCTAssertEqual(
            typeOf("$s.bar.x", in: "kprobe:vfs_read", prelude: "$s = *((struct Foo *)arg0);", programPrefix: prefix),
            .int(bytes: 2, signed: true))
        XCTAssertEqual(typeOf("(*((struct Foo *)arg0)).m", in: "kprobe:vfs_read", programPrefix: prefix), .int(bytes: 4, signed: true))
        XCTAssertEqual(
            semanticErrors(prefix + "kprobe:vfs_read { $s = *((struct Foo *)arg0); print($s.nope); }", at: ["$s.nope"]),
            ["struct Foo has no member 'nope'"])
    }

    func testKernelStructsComeFromBTFWithArraysOfStructsAndFloatsAsNull() throws {
        guard case .structure(let task)? = typeOf("*curtask") else { return XCTFail("not a struct value") }
        XCTAssertEqual(task.size, 1928)
        XCTAssertEqual(task.fields.map(\.name), ["se", "real_parent", "pid", "tgid", "comm"])
        guard case .structure(let entity) = task.fields[0].type else { return XCTFail("se is embedded") }
        XCTAssertEqual(entity.fields.map(\.name), ["vruntime"])
        XCTAssertEqual(typeOf("(*curtask).se.vruntime"), .int(bytes: 8, signed: false))
        XCTAssertEqual(typeOf("curtask->se"), .structure(entity), "an embedded struct through a pointer is a value too")
        XCTAssertEqual(typeOf("curtask->se.vruntime"), .int(bytes: 8, signed: false))

        let prefix = "struct P { float f; struct Q { int a; } q[3]; } "
        guard case .structure(let p)? = typeOf("*((struct P *)0)", programPrefix: prefix) else {
            return XCTFail("not a struct value")
        }
        XCTAssertEqual(p.fields[0].type, .void, "bpftrace prints a float member as null")
        let q = CStructType(name: "struct Q", size: 4, fields: [.init(name: "a", offset: 0, type: .int(bytes: 4, signed: true))])
        XCTAssertEqual(p.fields[1].type, .array(element: .structure(q), count: 3))
    }

    func testStructValuesLiveInVariablesMapsAndTuples() throws {
        let checked = try check(
            "struct Foo { int m; int n; } kprobe:vfs_read { $s = *((struct Foo *)arg0); @m[pid] = $s; @t = (1, *((struct Foo *)arg1)); print($s); print(@m); }")
        guard case .plain(.structure(let foo))? = checked.map(named: "m")?.value else { return XCTFail("@m") }
        XCTAssertEqual(foo.size, 8)
        guard case .plain(.tuple(let parts))? = checked.map(named: "t")?.value else { return XCTFail("@t") }
        XCTAssertEqual(parts.last, .structure(foo))
    }

    func testAStructTooLargeForAnEventIsRefusedWhereItIsRead() throws {
        XCTAssertEqual(
            semanticErrors("BEGIN { $p = (struct trace_iterator *)0; print(*$p); }", at: ["*$p"]),
            [
                "struct trace_iterator is 16600 bytes, too large to read whole (at most 8192 bytes fit the per-CPU "
                    + "scratch area beside the event that prints them): read its members instead"
            ])
        XCTAssertEqual(typeOf("(*((struct trace_iterator *)0)).cpu"), .int(bytes: 4, signed: true), "one member alone")
        let checked = try check("BEGIN { @s = sizeof(*((struct trace_iterator *)0)); }")
        XCTAssertEqual(checked.units[0].constants.values.sorted(), [16600], "sizeof reads nothing")
    }

    func testBoolMembersAreBoolsAsBpftracePrintsThem() {
        guard case .structure(let f)? = typeOf("*((struct F *)0)", programPrefix: "struct F { bool a; _Bool b[2]; int c; } ")
        else { return XCTFail("not a struct value") }
        XCTAssertEqual(f.fields.map(\.type), [.bool, .array(element: .int(bytes: 1, signed: false), count: 2), .int(bytes: 4, signed: true)])
        XCTAssertEqual(typeOf("(*((struct F *)0)).a", programPrefix: "struct F { bool a; } "), .bool)
    }

    func testArgsAsAValueIsARecordOfItsFields() throws {
        XCTAssertEqual(
            typeOf("args", in: "tracepoint:syscalls:sys_enter_openat"),
            .record(
                names: ["__syscall_nr", "dfd", "filename", "flags", "mode"],
                types: [
                    .int(bytes: 4, signed: true), .s64, .pointer(pointee: "char"), .s64, .u64,
                ]))
        XCTAssertEqual(typeOf("args.dfd", in: "tracepoint:syscalls:sys_enter_openat"), .s64)
        _ = try check("tracepoint:sched:sched_switch { print(args); @[cpu] = args; }")
    }
}
