import XCTest

@testable import Language

/// The type checker on formats, statements, attach points from the catalogue, and programs
/// with several errors (builtins, args, members, maps and names are in SemanticAnalyzerTests).
final class SemanticStatementTests: XCTestCase {
    private let u32 = SType.int(bytes: 4, signed: false)
    private let s32 = SType.int(bytes: 4, signed: true)

    // MARK: Formats

    func testPrintfAndCatArgumentsAreRecorded() throws {
        let text = "BEGIN { printf(\"%d %s\\n\", pid, comm); cat(\"/proc/%d/status\", pid); }"
        let checked = try check(text)
        XCTAssertEqual(checked.formats.count, 2)
        let printf = checked.formats[0]
        XCTAssertEqual(printf.id, 0)
        XCTAssertEqual(printf.kind, .printf)
        XCTAssertEqual(printf.action, .printf(format: "%d %s\n"))
        XCTAssertEqual(printf.argumentTypes, [u32, .string(size: 16)])
        XCTAssertEqual(printf.argumentRanges.map { sourceText(of: $0, in: text) }, ["pid", "comm"])
        XCTAssertEqual(sourceText(of: printf.range, in: text), "printf(\"%d %s\\n\", pid, comm)")
        let cat = checked.formats[1]
        XCTAssertEqual(cat.id, 1)
        XCTAssertEqual(cat.kind, .cat)
        XCTAssertEqual(cat.action, .cat(format: "/proc/%d/status"))
        XCTAssertEqual(cat.argumentTypes, [u32])
        XCTAssertEqual(Set(checked.units[0].formatIDs.values), [0, 1])
    }

    func testOtherFormatCalls() throws {
        let checked = try check(
            """
            k:vfs_read { @m[pid] = 1; time(); time("%H\\n"); print(@m); print(1); join(arg1); join(arg1, ","); \
            clear(@m); }
            """)
        XCTAssertEqual(
            checked.formats.map(\.action),
            [
                .time(format: "%H:%M:%S\n"), .time(format: "%H\n"), .printMap(name: "@m", top: 0, divisor: 1),
                .printValue, .join(separator: " "), .join(separator: ","), .clearMap(name: "@m"),
            ])
        XCTAssertEqual(checked.formats[3].argumentTypes, [.literal(1)])
        XCTAssertEqual(checked.formats[4].argumentTypes, [.tuple(Array(repeating: .string(size: 64), count: 16))])
    }

    func testPrintOfWholeMapsTakesTopAndDivisor() throws {
        let checked = try check(
            "BEGIN { @h = hist(1); @c[1] = count(); print(@h, 5, 2); print(@c, 3); print(@c[1]); exit(); }")
        XCTAssertEqual(
            checked.formats.map(\.action),
            [.printMap(name: "@h", top: 5, divisor: 2), .printMap(name: "@c", top: 3, divisor: 1), .printValue, .exit])
        XCTAssertEqual(checked.formats[2].argumentTypes, [.s64])
        XCTAssertEqual(
            semanticErrors("BEGIN { print(1, 2); }", at: ["2"]),
            ["print() takes a top count and divisor only for whole maps"])
        XCTAssertEqual(
            semanticErrors("BEGIN { @c = count(); print(@c, pid); }", at: ["pid"]),
            ["argument 2 of print() must be an integer literal"])
    }

    func testFormatIDsStartAtTheSessionBase() throws {
        let checked = try check("BEGIN { printf(\"a\"); printf(\"b\"); exit(); }", options: .init(formatIDBase: 10))
        XCTAssertEqual(checked.formatIDBase, 10)
        XCTAssertEqual(checked.formats.map(\.id), [10, 11, 12])
        XCTAssertEqual(checked.formats.map(\.kind), [.printf, .printf, .exit])
        XCTAssertEqual(Set(checked.units[0].formatIDs.values), [10, 11, 12])
        XCTAssertEqual(checked.format(id: 11)?.action, .printf(format: "b"))
        XCTAssertNil(checked.format(id: 0))
        XCTAssertNil(checked.format(id: 13))
    }

    func testKnownSessionMapsKeepTheirLayout() throws {
        let known = MapInfo(name: "x", keys: [.s64], value: .plain(.string(size: 8)), range: .unknown)
        let options = SemanticAnalyzer.Options(knownMaps: [known])
        let checked = try check("BEGIN { @x[1] = comm; @y = 1; }", options: options)
        XCTAssertEqual(checked.map(named: "x")?.value, .plain(.string(size: 8)), "a session map is not widened")
        XCTAssertEqual(checked.map(named: "x")?.keys, [.s64])
        XCTAssertEqual(checked.usedMaps, ["x", "y"])
        let list = semanticDiagnostics("BEGIN { @x = 1; }", options: options)
        XCTAssertEqual(list.map(\.message), ["@x is used with no key here but with key (int64) elsewhere"])
        XCTAssertEqual(list.map { culprit(of: $0.range, in: "BEGIN { @x = 1; }") }, ["@x"])
        XCTAssertEqual(
            semanticErrors("BEGIN { @x[1] = count(); }", options: options, at: ["@x[1]"]),
            ["@x holds string[8]; it cannot also be a count() map"])
    }

    func testUsedMapsInOrderOfAppearance() throws {
        let checked = try check(
            "BEGIN { @c = 0; @b = 1; if (@a[@c] > 0) { @b++; } @a[@c] = @b; } END { print(@d); @d = count(); }")
        XCTAssertEqual(checked.usedMaps, ["c", "b", "a", "d"])
    }

    func testFormatsArePerUnit() throws {
        let checked = try check("t:sched:sched_switch, t:sched:sched_wakeup { printf(\"%s\\n\", comm); }")
        XCTAssertEqual(checked.units.count, 2)
        XCTAssertEqual(checked.formats.count, 2)
        XCTAssertEqual(Array(checked.units[0].formatIDs.values), [0])
        XCTAssertEqual(Array(checked.units[1].formatIDs.values), [1])
    }

    func testFormatErrors() {
        XCTAssertEqual(
            semanticErrors("BEGIN { $f = \"%d\"; printf($f, 1); }", at: ["$f #2"]),
            ["the first argument of printf() must be a string literal"])
        XCTAssertEqual(
            semanticErrors("BEGIN { printf(\"%d\", count()); }", at: ["count()"]), ["count cannot be formatted"])
        XCTAssertEqual(semanticErrors("BEGIN { time(1); }", at: ["1"]), ["time() takes a string literal format"])
        XCTAssertEqual(
            semanticErrors("BEGIN { print(@nope); }", at: ["@nope"]), ["@nope is printed but never assigned"])
        XCTAssertEqual(
            semanticErrors("BEGIN { @x[1] = 1; clear(@x[1]); }", at: ["clear(@x[1])"]),
            ["clear() takes a whole map such as @x"])
        XCTAssertEqual(
            semanticErrors("BEGIN { delete(@nope[1]); }", at: ["@nope[1]"]),
            ["@nope is deleted from but never assigned"])
        XCTAssertEqual(
            semanticErrors("BEGIN { @x[1, 2] = 1; delete(@x[1]); }", at: ["@x[1]"]), ["@x has 2 key part(s), 1 given"])
        XCTAssertEqual(
            semanticErrors("BEGIN { exit(comm); }", at: ["comm"]),
            ["argument 1 of exit() must be an integer, not string[16]"])
    }

    func testSystemNeedsUnsafe() throws {
        let text = "BEGIN { system(\"ls /proc/%d\", pid); }"
        let list = semanticDiagnostics(text)
        XCTAssertEqual(list.map(\.message), ["system() is unsafe. To use you need the --unsafe flag (it runs commands as root)"])
        XCTAssertEqual(list.first.map { sourceText(of: $0.range, in: text) }, "system(\"ls /proc/%d\", pid)")
        let allowed = try check(text, options: .init(allowUnsafe: true))
        XCTAssertEqual(allowed.formats.map(\.kind), [.system])
        XCTAssertEqual(allowed.formats.first?.argumentTypes, [u32])
    }

    // MARK: Statements

    func testControlFlowChecks() throws {
        XCTAssertEqual(
            semanticErrors("BEGIN { break; }", at: ["break"]),
            ["'break' and 'continue' are only allowed in a while or for loop"])
        XCTAssertEqual(
            semanticErrors("BEGIN { if (1) { continue; } }", at: ["continue"]),
            ["'break' and 'continue' are only allowed in a while or for loop"])
        XCTAssertNoThrow(try check("BEGIN { $i = 0; while ($i < 3) { $i++; if ($i == 2) { break; } continue; } }"))
        XCTAssertNoThrow(try check("BEGIN { for ($i : 0..3) { if ($i == 1) { continue; } } }"))
        XCTAssertNoThrow(try check("BEGIN { @m[1, \"a\"] = 1; for ($kv : @m) { @n[$kv.0.1] = $kv.1; break; } }"))
        XCTAssertEqual(
            semanticErrors("BEGIN { @m[1] = hist(2); for ($kv : @m) { } }", at: ["@m #2"]),
            ["a for loop cannot walk @m: it holds hist() data, which can only be printed"])
        XCTAssertEqual(
            semanticErrors("BEGIN { @m = 1; for ($kv : @m) { } }", at: ["@m #2"]),
            ["a for loop walks a map with keys; @m holds a single value"])
        XCTAssertEqual(
            semanticErrors("BEGIN { @m[1] = 1; for ($kv : @m[1]) { } }", at: ["@m[1] #2"]),
            ["a for loop walks a whole map: for ($kv : @name)"])
        XCTAssertEqual(
            semanticErrors("BEGIN { unroll(0) { } }", at: ["0"]), ["unroll minimum value is 1"])
        XCTAssertEqual(
            semanticErrors("BEGIN { unroll(101) { } }", at: ["101"]), ["unroll maximum value is 100"]
        )
        XCTAssertEqual(
            semanticErrors("BEGIN { unroll(pid) { } }", at: ["pid"]), ["unroll needs a literal count between 1 and 100"]
        )
        XCTAssertEqual(
            semanticErrors("BEGIN { if (comm) { } }", at: ["(comm)"]),
            ["an if condition must be an integer or a comparison, not string[16]"])
        XCTAssertEqual(
            semanticErrors("BEGIN { while (comm) { } }", at: ["(comm)"]),
            ["a while condition must be an integer or a comparison, not string[16]"])
        XCTAssertEqual(
            semanticErrors("BEGIN /comm/ { }", at: ["comm"]),
            ["a predicate must be an integer or a comparison, not string[16]"])
    }

    func testExpressionErrors() {
        XCTAssertEqual(
            semanticErrors("BEGIN { $x = comm + 1; }", at: ["comm + 1"]), ["'+' cannot compare string[16] with int8"])
        XCTAssertEqual(
            semanticErrors("BEGIN { $x = comm < \"a\"; }", at: ["comm < \"a\""]),
            ["'<' cannot compare string[16] with string[2]"])
        XCTAssertEqual(
            semanticErrors("BEGIN { $x = 1 ? \"a\" : 2; }", at: ["1 ? \"a\" : 2"]),
            ["the branches of '?:' have different types: string[2] and int8"])
        XCTAssertEqual(
            semanticErrors("BEGIN { $t = (1, 2); $x = $t.5; }", at: ["$t.5"]),
            ["tuple has 2 elements; '.5' is not one of them"])
        XCTAssertEqual(
            semanticErrors("BEGIN { $x = pid.x; }", at: ["pid.x"]),
            ["'x' is not a field of uint32"])
        XCTAssertEqual(
            semanticErrors("BEGIN { $x = (uint8)comm; }", at: ["(uint8)comm"]), ["cannot cast string[16] to uint8"])
        XCTAssertEqual(
            semanticErrors("BEGIN { $x = -comm; }", at: ["comm"]), ["'-' needs an integer, found string[16]"])
        XCTAssertEqual(semanticErrors("BEGIN { $x = &pid; }", at: ["&pid"]), ["only the address of a $variable can be taken"])
        XCTAssertEqual(semanticErrors("BEGIN { $x = *comm; }", at: ["*comm"]), ["cannot dereference string[16]"])
        XCTAssertEqual(
            semanticErrors("k:vfs_read { $x = str(arg0, 0); }", at: ["0 #2"]),
            ["str() length must be between 1 and 1024"])
        XCTAssertEqual(
            semanticErrors("BEGIN { $x = strncmp(comm, 1, 2); }", at: ["strncmp(comm, 1, 2)"]),
            ["strncmp() compares two strings"])
        XCTAssertEqual(
            semanticErrors("k:vfs_read { $x = kstack(200); }", at: ["200"]),
            ["the stack limit must be between 1 and 127"])
        XCTAssertEqual(
            semanticErrors("BEGIN { $x = comm; $x++; }", at: ["$x #2"]), ["'++'/'--' need an integer, found string[16]"]
        )
        XCTAssertEqual(
            semanticErrors("BEGIN { $x = printf(\"a\") + 1; }", at: ["printf(\"a\")"]),
            ["'+' needs integers, found void"])
    }

    // MARK: The catalogue and attach points

    func testCatalogueErrorsCarryTheAttachPointRange() {
        let text = "BEGIN { } t:sched:nope { }"
        let list = semanticDiagnostics(text)
        XCTAssertEqual(list.map(\.message), ["No matches for tracepoint sched:nope."])
        XCTAssertEqual(list.first?.notes, ["list them with: bpfsh -l 'tracepoint:*'"])
        XCTAssertEqual(list.first.map { sourceText(of: $0.range, in: text) }, "t:sched:nope")
        XCTAssertEqual(
            DiagnosticList(list).rendered(in: source(text)),
            """
            prog.bt:1:11: error: No matches for tracepoint sched:nope.
            BEGIN { } t:sched:nope { }
                      ^~~~~~~~~~~~
            note: list them with: bpfsh -l 'tracepoint:*'

            """)
    }

    func testAttachTimeErrorsHaveNoPlaceInBpftracesStyle() {
        let text = "uprobe:/bin/bash:10 { }"
        let placed = Diagnostic("Could not resolve address: /bin/bash:0xa", at: SourceRange(0, 19))
        var bare = placed
        bare.atAttach = true
        XCTAssertEqual(bare.rendered(in: source(text), style: .bpftrace), "ERROR: Could not resolve address: /bin/bash:0xa\n")
        XCTAssertTrue(placed.rendered(in: source(text), style: .bpftrace).hasPrefix("prog.bt:1:1-20: ERROR: "))
        // bpfsh's own style keeps the place either way.
        XCTAssertTrue(bare.rendered(in: source(text), style: .bpfsh).hasPrefix("prog.bt:1:1: error: "))
    }

    func testUnmatchedWildcard() {
        XCTAssertEqual(semanticErrors("t:nope:* { }", at: ["t:nope:*"]), ["no probe matches 't:nope:*'"])
    }

    func testAttachPointErrorsAreCollectedBeforeBodies() {
        XCTAssertEqual(
            semanticErrors(
                "t:sched:nope, k:no_such_function, interval:x:1 { $x = $y; }",
                at: ["t:sched:nope", "k:no_such_function", "interval:x:1"]),
            [
                "No matches for tracepoint sched:nope.",
                "kernel function 'no_such_function' cannot be traced",
                "interval probes are written interval:UNIT:N with UNIT one of hz, s, ms, us (e.g. interval:s:1)",
            ])
    }

    func testWildcardsExpandToOneUnitEach() throws {
        let checked = try check("t:syscalls:sys_enter_* { @[probe] = count(); }")
        XCTAssertEqual(
            checked.units.map(\.target.name),
            ["tracepoint:syscalls:sys_enter_openat", "tracepoint:syscalls:sys_enter_read"])
        XCTAssertEqual(checked.units.map(\.probeIndex), [0, 0])
        XCTAssertEqual(checked.units.map(\.context.layout), [.tracepointRecord, .tracepointRecord])
        // Each unit has its own args: sys_enter_read has no filename.
        XCTAssertEqual(
            semanticErrors("t:syscalls:sys_enter_* { @[str(args.filename)] = count(); }", at: ["args.filename"]),
            ["tracepoint:syscalls:sys_enter_read has no argument 'filename'"])
        let kprobes = try check("BEGIN { } k:vfs_* { @[func] = count(); }")
        XCTAssertEqual(kprobes.units.map(\.target.name), ["BEGIN", "kprobe:vfs_read", "kprobe:vfs_write"])
        XCTAssertEqual(kprobes.units.map(\.probeIndex), [0, 1, 1])
    }

    func testUnitsKeepTheirAttachPointRangeAndPredicate() throws {
        let text = "k:vfs_read, t:sched:sched_switch /pid > 1/ { @[probe] = count(); }"
        let checked = try check(text)
        XCTAssertEqual(
            checked.units.map { sourceText(of: $0.range, in: text) }, ["k:vfs_read", "t:sched:sched_switch"])
        XCTAssertEqual(checked.units.map { $0.predicate.map(sexpr) }, ["(> pid 1)", "(> pid 1)"])
        // The probe string differs per unit; the map key is widened to the longer one.
        XCTAssertEqual(checked.map(named: "")?.keys, [.string(size: 30)])
        XCTAssertEqual(checked.units[0].context.layout, .registers)
    }

    // MARK: Several errors at once

    func testMultipleErrorsAreReportedTogetherSortedAndDeduplicated() {
        let text = "BEGIN { @x[$key] = $value; nope; foo(); }\nEND { @c = count(); @c = sum(1); $a = $b; $a = $b; }"
        let list = semanticDiagnostics(text)
        XCTAssertEqual(
            list.map(\.message),
            [
                "$key is used before it is assigned",
                "$value is used before it is assigned",
                "unknown identifier 'nope'",
                "unknown function foo()",
                "@c is a count() map; it cannot also hold sum()",
                "$b is used before it is assigned",
                "$b is used before it is assigned",
            ])
        let starts = list.map(\.range.start)
        XCTAssertEqual(starts, starts.sorted())
        XCTAssertEqual(Set(list).count, list.count, "no duplicates")
        XCTAssertEqual(
            list.map { culprit(of: $0.range, in: text) },
            ["$key", "$value", "nope", "foo()", "@c #2", "$b #1", "$b #2"])
    }

    func testAcceptedProgramsProduceACheckedProgram() throws {
        let checked = try check(
            """
            #include <linux/sched.h>
            BEGIN { printf("tracing\\n"); @start = nsecs; }
            t:sched:sched_switch /args.prev_pid != 0/ {
                @switches[args.prev_comm] = count();
                @latency = hist(nsecs - @start);
                if (args.next_pid == 1) { printf("%s -> init\\n", args.prev_comm); }
            }
            interval:s:1 { print(@switches); clear(@switches); }
            END { exit(); }
            """)
        XCTAssertEqual(checked.units.map(\.target.kind), [.begin, .tracepoint, .interval, .end])
        XCTAssertEqual(checked.maps.map(\.name), ["start", "switches", "latency"])
        XCTAssertEqual(checked.source.name, "prog.bt")
    }
}
