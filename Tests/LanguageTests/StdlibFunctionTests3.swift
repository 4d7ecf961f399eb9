import LanguageTestSupport
import XCTest

@testable import Language

/// The functions and semantics added for bpftrace's runtime suite (issue 13, part 3), as the
/// type checker sees them.
final class StdlibFunctionTests3: XCTestCase {
    private func type(of call: String, setup: String = "") throws -> SType {
        let checked = try LanguageTests.check("BEGIN { \(setup) @r = \(call); }")
        guard let info = checked.maps.first(where: { $0.name == "r" }), case .plain(let t) = info.value else {
            XCTFail("@r has no plain value")
            return .void
        }
        return t
    }

    private func checkNamed(_ text: String, name: String) throws -> CheckedProgram {
        let file = SourceFile(name: name, text: text)
        let program = try Parser.parse(file, preprocessing: testPreprocessing)
        return try SemanticAnalyzer.check(program, source: file, catalogue: FakeCatalogue())
    }

    func testResultTypes() throws {
        XCTAssertEqual(try type(of: "len(@m)", setup: "@m[1] = 1;"), .s64)
        XCTAssertEqual(try type(of: "nsecs(monotonic)"), .u64)
        XCTAssertEqual(try type(of: "nsecs()"), .u64)
        XCTAssertEqual(try type(of: "buf(\"hello\", 3)"), .buffer(size: 3))
        XCTAssertEqual(try type(of: "buf(curtask, 16)"), .buffer(size: 16))
        XCTAssertEqual(try type(of: "strftime(\"%H:%M:%S.%f\", nsecs)"), .timestamp(format: "%H:%M:%S.%f"))
        XCTAssertEqual(try type(of: "pton(\"127.0.0.1\")"), .int(bytes: 4, signed: false))
        XCTAssertEqual(try type(of: "pton(\"::1\")"), .buffer(size: 16))
        XCTAssertEqual(try type(of: "delete(@m, 1)", setup: "@m[1] = 1;"), .bool)
    }

    func testPtonIsAConstantInMemoryOrder() throws {
        let checked = try LanguageTests.check("BEGIN { @r = pton(\"127.0.0.1\"); }")
        XCTAssertEqual(checked.units[0].constants.values.first, 0x0100_007f)
    }

    func testPointerArithmeticKeepsThePointer() throws {
        XCTAssertEqual(try type(of: "(int32 *)0x32 + 1"), .pointer(pointee: "int32"))
        XCTAssertEqual(try type(of: "2 + (int16 *)0x32"), .pointer(pointee: "int16"))
        XCTAssertEqual(try type(of: "*(int8 *)0x32"), .int(bytes: 1, signed: true))
        XCTAssertEqual(SType.pointer(pointee: "int32").pointeeSize, 4)
        XCTAssertEqual(SType.pointer(pointee: "struct task_struct *").pointeeSize, 8)
        XCTAssertEqual(SType.pointer(pointee: "void").pointeeSize, 1)
        XCTAssertEqual(SType.pointer(pointee: "const unsigned short").pointeeSize, 2)
    }

    func testErrorfNamesThePlaceAsBpftraceDoes() throws {
        let checked = try checkNamed("BEGIN { errorf(\"bad %d\", 1); }", name: "-e")
        XCTAssertEqual(checked.formats.first?.action, .report(format: "bad %d", place: "stdin:1:9-28", isError: true))
    }

    func testDivisionByAVariableIsChecked() throws {
        let checked = try checkNamed("BEGIN { @z = 0; @r = 10 / @z; @s = 10 / 2; }", name: "p.bt")
        XCTAssertEqual(checked.formats.map(\.action), [.divideByZero(place: "p.bt:1:22-29")])
    }

    func testRefusals() {
        XCTAssertEqual(
            semanticErrors("BEGIN { @g = 2; @r = len(@g); }", at: ["@g #2"]),
            ["call to len() expects a map with explicit keys (non-scalar map)"])
        XCTAssertEqual(
            semanticErrors("BEGIN { @r = nsecs(wall); }", at: ["wall"]),
            ["nsecs() takes a clock: boot, monotonic, tai, sw_tai"])
        XCTAssertEqual(
            semanticErrors("BEGIN { @r = pton(\"nowhere\"); }", at: ["\"nowhere\""]),
            ["pton() cannot convert 'nowhere': it is not an IPv4 or IPv6 address"])
        XCTAssertEqual(
            semanticErrors("BEGIN { @r = buf(curtask); }", at: ["buf(curtask)"]),
            ["buf() of a pointer needs a length: buf(ptr, len)"])
        XCTAssertEqual(
            semanticErrors("BEGIN { @r = strftime(comm, nsecs); }", at: ["comm"]),
            ["strftime() takes a string literal format"])
    }
}

/// `enum Foo { ... }` defined by the program: members are constants of the enum's type.
final class ProgramEnumTests: XCTestCase {
    func testParsesMembersCountingUp() throws {
        let program = try Parser.parse(source("enum Foo { A, B = 5, C, D = -2 }; enum { X } BEGIN { }"))
        XCTAssertEqual(program.enums.map(\.name), ["Foo", ""])
        XCTAssertEqual(program.enums[0].members.map(\.value), [0, 5, 6, -2])
        XCTAssertEqual(program.enums[1].members.map(\.name), ["X"])
    }

    func testMembersAreTypedAndFoldedToNumbersByArithmetic() throws {
        let checked = try LanguageTests.check(
            "enum Foo { ONE = 1, TWO }; BEGIN { @a = ONE; @b = ONE + 1; @c = (enum Foo)2; @d[ONE] = 1; @d[3] = 2; }")
        let foo = EnumType(name: "Foo", names: [1: "ONE", 2: "TWO"])
        let values = Dictionary(uniqueKeysWithValues: checked.maps.map { ($0.name, $0) })
        XCTAssertEqual(values["a"]?.value, .plain(.enumeration(foo)))
        XCTAssertEqual(values["b"]?.value, .plain(.s64))
        XCTAssertEqual(values["c"]?.value, .plain(.enumeration(foo)))
        XCTAssertEqual(values["d"]?.keys, [.s64], "an enum key mixed with numbers is a number")
    }
}

/// `&$x` and `let $x;`, as current bpftrace has them.
final class VariableAddressTests: XCTestCase {
    func testAddressOfAVariableDereferencesToItsType() throws {
        let checked = try LanguageTests.check(
            "BEGIN { $a = 1; $t = (1, \"hi\"); $p = &$a; $q = &$t; @x = *$p; @y = *$q; $s = (int8 *)&$t; @z = *$s; }")
        let maps = Dictionary(uniqueKeysWithValues: checked.maps.map { ($0.name, $0.value) })
        XCTAssertEqual(checked.units[0].variables["p"], .pointer(pointee: "int8"))
        XCTAssertEqual(maps["x"], .plain(.literal(1)))
        XCTAssertEqual(maps["y"], .plain(.tuple([.literal(1), .string(size: 3)])))
        XCTAssertEqual(maps["z"], .plain(.int(bytes: 1, signed: true)))
        XCTAssertEqual(
            semanticErrors("BEGIN { @m = 1; $p = &@m; }", at: ["&@m"]), ["only the address of a $variable can be taken"])
    }

    func testUntypedDeclarationReadsAsZero() throws {
        let checked = try LanguageTests.check("BEGIN { let $a; if ($a) { $a = 1; } @b = $a; }")
        XCTAssertEqual(checked.units[0].variables["a"], .literal(1))
        XCTAssertEqual(
            semanticErrors("BEGIN { @b = $a; }", at: ["$a"]), ["$a is used before it is assigned"])
    }
}

/// exit() and return end the probe: what follows them in a block is warned about.
final class ReachabilityTests: XCTestCase {
    func testStatementsAfterExitAreUnreachable() throws {
        let text = "BEGIN { @a = 1; exit(); @a = 2; } END { if (1) { return 5; @b = 1; } @c = 1; }"
        let checked = try LanguageTests.check(text)
        XCTAssertEqual(checked.warnings.map(\.message), ["Unreachable statement", "Unreachable statement"])
        XCTAssertEqual(checked.warnings.map { sourceText(of: $0.range, in: text) }, ["@a = 2", "@b = 1"])
        XCTAssertTrue(try LanguageTests.check("BEGIN { if (1) { exit(); } @a = 1; }").warnings.isEmpty)
    }
}

final class CastAndHistogramTests: XCTestCase {
    func testBoolCastAndHistWithDefaultSteps() throws {
        let checked = try LanguageTests.check("BEGIN { @a = (bool)5; @h = hist(3, 0); }")
        XCTAssertEqual(checked.maps.first { $0.name == "a" }?.value, .plain(.bool))
        XCTAssertEqual(checked.maps.first { $0.name == "h" }?.value, .aggregation(.hist, signed: true))
        XCTAssertEqual(
            semanticErrors("BEGIN { @h = hist(3, 2); }", at: ["2"]),
            ["hist() with k = 2 (finer buckets within each power of two) is not supported: use hist(n) or lhist()"])
    }
}

final class ParentTaskTests: XCTestCase {
    func testParentFieldsComeFromBTF() throws {
        let checked = try LanguageTests.check("BEGIN { @p = ppid(curtask); @c = pcomm(); }")
        XCTAssertEqual(checked.maps.first { $0.name == "p" }?.value, .plain(.int(bytes: 4, signed: true)))
        XCTAssertEqual(checked.maps.first { $0.name == "c" }?.value, .plain(.string(size: 16)))
        // real_parent at 1480, tgid at 1500 and comm at 1912 in the fake BTF.
        XCTAssertEqual(Set(checked.units[0].constants.values), [1480 << 32 | 1500, 1480 << 32 | 1912])
        XCTAssertEqual(
            semanticErrors("BEGIN { @p = ppid(1); }", at: ["1"]),
            ["ppid() takes a struct task_struct * such as curtask, not int8"])
    }
}

/// Records: tuples whose fields have names.
final class RecordTests: XCTestCase {
    func testRecordsParseTypeAndReorderByName() throws {
        XCTAssertEqual(sexpr(try Parser.parseExpression(source("(a = 1, b = (2, \"x\"))"))), "(record a=1 b=(tuple 2 \"x\"))")
        let checked = try LanguageTests.check(
            "BEGIN { $r = (foo = 1, bar = \"x\"); $r = (bar = \"yy\", foo = 2); @f = $r.foo; @b = $r.bar; }")
        XCTAssertEqual(
            checked.units[0].variables["r"], .record(names: ["foo", "bar"], types: [.literal(1), .string(size: 3)]))
        XCTAssertEqual(checked.maps.first { $0.name == "f" }?.value, .plain(.literal(1)))
        XCTAssertEqual(
            semanticErrors("BEGIN { $r = (a = 1); @x = $r.b; }", at: ["$r.b"]),
            ["the record has no field 'b' (its fields: a)"])
    }
}

final class IfExpressionAndAssertTests: XCTestCase {
    func testIfAsAValue() throws {
        XCTAssertEqual(
            sexpr(try Parser.parseExpression(source("if $a { 1 } else if $b { 2 } else { 3 }"))), "(? $a (block {} 1) (? $b (block {} 2) (block {} 3)))")
        XCTAssertEqual(sexpr(try Parser.parseExpression(source("{ if (1) { 8 } else { 9 } }"))), "(block {} (? 1 8 9))")
        XCTAssertThrowsError(try Parser.parseExpression(source("if $a { 1 }")))
    }

    func testErrorfInAMacroNamesTheCallItWasExpandedFrom() throws {
        let checked = try LanguageTests.check("macro bad() { errorf(\"bad\"); } BEGIN { bad(); }")
        XCTAssertEqual(
            checked.formats.map(\.action),
            [
                .report(
                    format: "bad", place: "prog.bt:1:15-28", isError: true,
                    expandedFrom: "prog.bt:1:40-45: ERROR: expanded from\nmacro bad() { errorf(\"bad\"); } BEGIN { bad(); }\n"
                        + "                                       ~~~~~\n")
            ])
    }

    func testAssertRecordsItsPlace() throws {
        let checked = try LanguageTests.check("BEGIN { assert(pid > 0, \"pid\"); }")
        // bpftrace's assert is a macro of its stdlib: the place is its errorf there, then the call.
        XCTAssertEqual(
            checked.formats.map(\.action),
            [
                .assertFailed(
                    message: "pid", place: "stdlib/base.bt:6:5-37",
                    expandedFrom: "prog.bt:1:9-31: ERROR: expanded from\nBEGIN { assert(pid > 0, \"pid\"); }\n"
                        + "        ~~~~~~~~~~~~~~~~~~~~~~\n")
            ])
        XCTAssertEqual(
            semanticErrors("BEGIN { assert(1, comm); }", at: ["comm"]), ["assert() takes a string literal message"])
    }
}

final class LoopScopingTests: XCTestCase {
    func testASecondLoopWithTheSameVariableGetsItsOwn() throws {
        let checked = try LanguageTests.check(
            "BEGIN { @a[1] = 2; @b[\"x\"] = \"y\"; for ($kv : @a) { print($kv); } for ($kv : @b) { print($kv); } }")
        XCTAssertEqual(checked.units[0].variables["kv"], .tuple([.literal(1), .literal(1)]))
        XCTAssertEqual(checked.units[0].variables["kv__loop1"], .tuple([.string(size: 2), .string(size: 2)]))
    }
}
