import XCTest

@testable import Language

final class SemanticAnalyzerTests: XCTestCase {
    private let u32 = SType.int(bytes: 4, signed: false)
    private let s32 = SType.int(bytes: 4, signed: true)

    // MARK: Builtins

    func testBuiltinVariableTypes() {
        for name in ["pid", "tid", "uid", "gid", "cpu", "ncpus", "cpid", "rand"] {
            XCTAssertEqual(typeOf(name), u32, name)
        }
        for name in ["nsecs", "elapsed", "cgroup", "jiffies"] {
            XCTAssertEqual(typeOf(name), .u64, name)
        }
        XCTAssertEqual(typeOf("comm"), .string(size: 16))
        XCTAssertEqual(typeOf("curtask"), .pointer(pointee: "struct task_struct"))
        XCTAssertEqual(typeOf("kstack", in: "k:vfs_read"), .kstack(limit: 127))
        XCTAssertEqual(typeOf("ustack", in: "u:/bin/sh:main"), .ustack(limit: 127))
        XCTAssertEqual(typeOf("retval", in: "kr:vfs_read"), .s64)
        XCTAssertEqual(typeOf("retval", in: "ur:/bin/sh:main"), .s64)
        XCTAssertEqual(typeOf("retval", in: "fexit:vfs_read"), .s64)
        XCTAssertEqual(typeOf("arg0", in: "k:vfs_read"), .u64)
        XCTAssertEqual(typeOf("arg5", in: "u:/bin/sh:main"), .u64)
        XCTAssertEqual(typeOf("sarg1", in: "k:vfs_read"), .s64)
        XCTAssertEqual(typeOf("arg2", in: "rt:sched_switch"), .u64)
    }

    func testProbeAndFuncStrings() {
        XCTAssertEqual(
            typeOf("probe", in: "t:sched:sched_switch"), .string(size: "tracepoint:sched:sched_switch".count + 1))
        XCTAssertEqual(typeOf("func", in: "t:sched:sched_switch"), .string(size: "sched_switch".count + 1))
        XCTAssertEqual(typeOf("probe"), .string(size: 6))
        // In a kprobe func is a ksym (bpftrace's ksym_t), the function's address.
        XCTAssertEqual(typeOf("func", in: "k:vfs_read"), .ksym)
        XCTAssertEqual(typeOf("func", in: "kr:vfs_write"), .ksym)
    }

    func testLiteralAndOperatorTypes() {
        XCTAssertEqual(typeOf("1"), .literal(1))
        XCTAssertEqual(typeOf("18446744073709551615"), .u64)
        XCTAssertEqual(typeOf("\"abc\""), .string(size: 4))
        XCTAssertEqual(typeOf("pid + 1"), .s64)
        XCTAssertEqual(typeOf("pid + tid"), .u64)
        XCTAssertEqual(typeOf("nsecs / 1000"), .s64)
        XCTAssertEqual(typeOf("pid == 1"), .bool)
        XCTAssertEqual(typeOf("comm == \"bash\""), .bool)
        XCTAssertEqual(typeOf("comm != comm"), .bool)
        XCTAssertEqual(typeOf("pid > 1 && nsecs < 2 || 0"), .bool)
        XCTAssertEqual(typeOf("!pid"), .bool)
        XCTAssertEqual(typeOf("-pid"), .s64)
        XCTAssertEqual(typeOf("~pid"), u32)
        XCTAssertEqual(typeOf("pid > 1 ? \"a\" : \"bcd\""), .string(size: 4))
        XCTAssertEqual(typeOf("1 ? pid : nsecs"), .u64)
        XCTAssertEqual(typeOf("(1, comm, \"ab\")"), .tuple([.literal(1), .string(size: 16), .string(size: 3)]))
        XCTAssertEqual(typeOf("$t.1", prelude: "$t = (1, comm);"), .string(size: 16))
        XCTAssertEqual(typeOf("*arg0", in: "k:vfs_read"), .u64)
        XCTAssertEqual(typeOf("arg0[1]", in: "k:vfs_read"), .u64)
        XCTAssertEqual(typeOf("$#"), .s64)
    }

    func testCasts() {
        XCTAssertEqual(typeOf("(uint8)pid"), .int(bytes: 1, signed: false))
        XCTAssertEqual(typeOf("(int16)1"), .int(bytes: 2, signed: true))
        XCTAssertEqual(typeOf("(char)1"), .int(bytes: 1, signed: true))
        XCTAssertEqual(typeOf("(unsigned long)1"), .u64)
        XCTAssertEqual(typeOf("(int)nsecs"), s32)
        XCTAssertEqual(typeOf("(struct task_struct *)curtask"), .pointer(pointee: "struct task_struct"))
        XCTAssertEqual(typeOf("(uint64 *)arg0", in: "k:vfs_read"), .pointer(pointee: "uint64"))
    }

    func testFunctionTypes() {
        XCTAssertEqual(typeOf("str(arg0)", in: "k:vfs_read"), .string(size: 64))
        // The length counts the NUL, as in bpftrace.
        XCTAssertEqual(typeOf("str(arg0, 10)", in: "k:vfs_read"), .string(size: 10))
        XCTAssertEqual(typeOf("str(comm, 4)"), .string(size: 4))
        XCTAssertEqual(typeOf("str(comm)"), .string(size: 16))
        XCTAssertEqual(typeOf("ksym(arg0)", in: "k:vfs_read"), .ksym)
        XCTAssertEqual(typeOf("usym(arg0)", in: "u:/bin/sh:main"), .usym)
        XCTAssertEqual(typeOf("ntop(2, arg0)", in: "k:vfs_read"), .inet)
        XCTAssertEqual(typeOf("strncmp(comm, \"bash\", 4)"), .u64)
        XCTAssertEqual(typeOf("sizeof(int32)"), .u64)
        XCTAssertEqual(typeOf("sizeof(comm)"), .u64)
        XCTAssertEqual(typeOf("reg(\"ip\")", in: "k:vfs_read"), .u64)
        XCTAssertEqual(typeOf("reg(\"sp\")", in: "profile:hz:99"), .u64)
        XCTAssertEqual(typeOf("uptr(arg0)", in: "u:/bin/sh:main"), .u64)
        XCTAssertEqual(typeOf("kstack(5)", in: "k:vfs_read"), .kstack(limit: 5))
        XCTAssertEqual(typeOf("ustack(perf, 10)", in: "u:/bin/sh:main"), .ustack(limit: 10, mode: .perf))
    }

    /// A stack's mode comes from the call, else from `stack_mode`; build_id is for user stacks.
    func testStackModes() throws {
        XCTAssertEqual(typeOf("kstack(raw)", in: "k:vfs_read"), .kstack(limit: 127, mode: .raw))
        XCTAssertEqual(typeOf("ustack(build_id, 3)", in: "u:/bin/sh:main"), .ustack(limit: 3, mode: .buildID))
        let config = "config = { stack_mode=perf } "
        XCTAssertEqual(typeOf("kstack", in: "k:vfs_read", programPrefix: config), .kstack(limit: 127, mode: .perf))
        XCTAssertEqual(typeOf("ustack(2)", in: "u:/bin/sh:main", programPrefix: config), .ustack(limit: 2, mode: .perf))
        XCTAssertEqual(
            typeOf("ustack(raw, 2)", in: "u:/bin/sh:main", programPrefix: config), .ustack(limit: 2, mode: .raw),
            "the call's mode wins")
        XCTAssertThrowsError(try check("k:vfs_read { @ = kstack(build_id); }")) {
            XCTAssertTrue("\($0)".contains("the build_id stack mode is for ustack only"), "\($0)")
        }
    }

    func testKaddrIsAConstant() throws {
        let checked = try check("BEGIN { $a = kaddr(\"jiffies\"); }")
        XCTAssertEqual(checked.units[0].variables["a"], .u64)
        XCTAssertEqual(Array(checked.units[0].constants.values), [0xffff_ffff_82a0_b000])
        XCTAssertEqual(
            semanticErrors("BEGIN { $a = kaddr(\"no_such_symbol\"); }", at: ["kaddr(\"no_such_symbol\")"]),
            ["Failed to resolve kernel symbol: no_such_symbol"])
        XCTAssertEqual(
            semanticErrors("BEGIN { $a = kaddr(comm); }", at: ["kaddr(comm)"]),
            ["kaddr() takes a kernel symbol name as a string literal"])
    }

    func testPositionalParameters() {
        XCTAssertEqual(typeOf("$1", options: .init(positionalParameters: ["10"])), .s64)
        XCTAssertEqual(typeOf("$1", options: .init(positionalParameters: ["abc"])), .string(size: 4))
        XCTAssertEqual(typeOf("$2", options: .init(positionalParameters: ["1", "-5"])), .s64)
        // As in bpftrace, a parameter that was not given reads as 0.
        XCTAssertEqual(typeOf("$2", options: .init(positionalParameters: ["1"])), .s64)
        XCTAssertEqual(typeOf("str($1)", options: .init(positionalParameters: ["42"])), .string(size: 3))
    }

    // MARK: args from the catalogue

    func testTracepointArgsAreTypedFromTheCatalogue() {
        let sw = "t:sched:sched_switch"
        XCTAssertEqual(typeOf("args.prev_comm", in: sw), .string(size: 16))
        XCTAssertEqual(typeOf("args->prev_comm", in: sw), .string(size: 16))
        XCTAssertEqual(typeOf("args->prev_pid", in: sw), s32)
        XCTAssertEqual(typeOf("args.next_pid", in: sw), s32)
        XCTAssertEqual(typeOf("args.prev_state", in: sw), .s64)
        let openat = "tracepoint:syscalls:sys_enter_openat"
        XCTAssertEqual(typeOf("args.filename", in: openat), .pointer(pointee: "char"))
        XCTAssertEqual(typeOf("str(args.filename)", in: openat), .string(size: 64))
        XCTAssertEqual(typeOf("args.mode", in: openat), .u64)
        XCTAssertEqual(typeOf("args->dfd", in: openat), .s64)
        XCTAssertEqual(typeOf("args.filename", in: "t:sched:sched_process_exec"), .string(size: 64))
    }

    func testArgumentArrayArgs() {
        XCTAssertEqual(typeOf("args.prev", in: "rt:sched_switch"), .pointer(pointee: "struct task_struct"))
        XCTAssertEqual(typeOf("args.preempt", in: "tp_btf:sched_switch"), .int(bytes: 1, signed: false))
        XCTAssertEqual(typeOf("args.count", in: "fentry:vfs_read"), .u64)
        XCTAssertEqual(typeOf("args->buf", in: "fexit:vfs_read"), .pointer(pointee: "char"))
        XCTAssertEqual(
            semanticErrors("rt:sched_switch { $x = arg3; }", at: ["arg3"]),
            ["rawtracepoint:sched_switch has 3 arguments; arg3 is not one of them"])
    }

    func testUnknownArgsField() {
        let text = "t:sched:sched_switch { $x = args.nope; }"
        let list = semanticDiagnostics(text)
        XCTAssertEqual(list.map(\.message), ["tracepoint:sched:sched_switch has no argument 'nope'"])
        XCTAssertEqual(list.map { culprit(of: $0.range, in: text) }, ["args.nope"])
        XCTAssertEqual(
            list.first?.notes,
            ["its arguments: prev_comm, prev_pid, prev_prio, prev_state, next_comm, next_pid, next_prio"])
        XCTAssertEqual(
            list.first.map { sourceText(of: $0.range, in: "t:sched:sched_switch { $x = args.nope; }") }, "args.nope")
    }

    func testWrongProviderForArgsRetvalAndArgN() {
        XCTAssertEqual(
            semanticErrors("BEGIN { $x = retval; }", at: ["retval"]),
            ["retval is only available in kretprobe, uretprobe and fexit probes"])
        XCTAssertEqual(
            semanticErrors("k:vfs_read { $x = retval; }", at: ["retval"]),
            ["retval is only available in kretprobe, uretprobe and fexit probes"])
        XCTAssertEqual(
            semanticErrors("t:sched:sched_switch { $x = arg0; }", at: ["arg0"]),
            ["arg0 is only available in kprobe, uprobe and raw tracepoint probes; tracepoints use args.FIELD"])
        XCTAssertEqual(
            semanticErrors("BEGIN { $x = sarg1; }", at: ["sarg1"]),
            ["sarg1 is only available in kprobe, uprobe and raw tracepoint probes; tracepoints use args.FIELD"])
        // Only the first error is the point (a second one, "... has no argument 'x'", follows).
        for (text, message) in [
            ("BEGIN { $x = args.x; }", "'args' is not available in BEGIN probes"),
            ("profile:hz:99 { $x = args.x; }", "'args' is not available in profile probes"),
        ] {
            let first = semanticDiagnostics(text).first
            XCTAssertEqual(first?.message, message)
            XCTAssertEqual(first.map { culprit(of: $0.range, in: text) }, "args")
        }
        XCTAssertEqual(
            semanticErrors("k:vfs_read { $x = args.x; }", at: ["args.x"]), ["kprobe:vfs_read has no argument 'x'"])
        // bpftrace gives BEGIN and END stacks too.
        XCTAssertEqual(semanticDiagnostics("BEGIN { $x = kstack; $y = (ustack, 1); }").map(\.message), [])
        XCTAssertEqual(
            semanticErrors("END { $x = reg(\"ip\"); }", at: ["reg(\"ip\")"]),
            ["reg() needs a kprobe, uprobe or profile probe"])
        XCTAssertEqual(
            semanticErrors("k:vfs_read { $x = reg(\"nope\"); }", at: ["reg(\"nope\")"]),
            ["reg() takes a register name such as \"ip\" or \"sp\""])
    }

    // MARK: Struct members through BTF

    func testStructMembersThroughPointers() throws {
        XCTAssertEqual(typeOf("curtask->pid"), s32)
        XCTAssertEqual(typeOf("curtask->comm"), .string(size: 16))
        XCTAssertEqual(typeOf("curtask->real_parent->tgid"), s32)
        // An embedded struct is a struct value, as bpftrace types it (printed whole).
        XCTAssertEqual(typeOf("curtask->se")?.isStructure, true)
        XCTAssertEqual(typeOf("curtask->se")?.description, "struct sched_entity")
        XCTAssertEqual(typeOf("curtask->se.vruntime"), .u64)
        XCTAssertEqual(typeOf("args.prev->comm", in: "rt:sched_switch"), .string(size: 16))
        XCTAssertEqual(typeOf("((struct task_struct *)arg0)->pid", in: "k:vfs_read"), s32)
        XCTAssertEqual(typeOf("args.file->f_flags", in: "fentry:vfs_read"), u32)
        let checked = try check("BEGIN { $p = curtask->real_parent->pid; }")
        XCTAssertEqual(checked.units[0].members.values.map(\.name).sorted(), ["pid", "real_parent"])
    }

    func testUnknownStructMembers() {
        XCTAssertEqual(
            semanticErrors("BEGIN { $x = curtask->nope; }", at: ["curtask->nope"]),
            ["struct task_struct has no member 'nope' (or its type is not in the kernel's BTF)"])
        XCTAssertEqual(
            semanticErrors("k:vfs_read { $x = ((struct foo *)arg0)->x; }", at: ["((struct foo *)arg0)->x"]),
            ["struct foo has no member 'x' (or its type is not in the kernel's BTF)"])
    }

    // MARK: Maps

    func testMapKeyAndValueUnification() throws {
        let checked = try check("BEGIN { @s[1] = \"ab\"; @s[2] = comm; @m[pid] = 1; @m[nsecs] = 2; }")
        XCTAssertEqual(checked.map(named: "s")?.keys, [.literal(1)])
        XCTAssertEqual(checked.map(named: "s")?.value, .plain(.string(size: 16)))
        XCTAssertEqual(checked.map(named: "m")?.keys, [.u64])
        XCTAssertEqual(checked.map(named: "m")?.value, .plain(.literal(1)))
    }

    func testMapsAreListedInSourceOrder() throws {
        let checked = try check("END { @b = 1; } BEGIN { @a = 1; @b = 2; @c[comm, pid] = count(); }")
        XCTAssertEqual(checked.maps.map(\.name), ["b", "a", "c"])
    }

    func testMapSizes() throws {
        let checked = try check(
            """
            k:vfs_read {
                @k[comm, pid] = 1; @h = hist(pid); @hk[comm] = lhist(pid, 0, 100, 10);
                @a = avg(1); @s = sum(pid); @n = sum(-1); @mn = min(arg0); @c = count(); @str = comm;
            }
            """)
        let k = try XCTUnwrap(checked.map(named: "k"))
        XCTAssertEqual(k.keySize, 24)
        XCTAssertEqual(k.valueSize, 8)
        XCTAssertFalse(k.isPerCPU)
        let h = try XCTUnwrap(checked.map(named: "h"))
        XCTAssertEqual(h.keySize, 16)
        XCTAssertEqual(h.valueSize, 8)
        XCTAssertTrue(h.isPerCPU)
        XCTAssertEqual(h.value, .aggregation(.hist, signed: false))
        let hk = try XCTUnwrap(checked.map(named: "hk"))
        XCTAssertEqual(hk.keySize, 24)
        XCTAssertEqual(hk.value, .aggregation(.lhist(min: 0, max: 100, step: 10), signed: false))
        XCTAssertEqual(checked.map(named: "a")?.valueSize, 16)
        XCTAssertEqual(checked.map(named: "a")?.value, .aggregation(.avg, signed: true))
        XCTAssertEqual(checked.map(named: "s")?.value, .aggregation(.sum, signed: false))
        XCTAssertEqual(checked.map(named: "n")?.value, .aggregation(.sum, signed: true))
        XCTAssertEqual(checked.map(named: "mn")?.valueSize, 16)
        XCTAssertEqual(checked.map(named: "c")?.keySize, 4, "a keyless count is a one-slot array with a u32 index")
        XCTAssertEqual(checked.map(named: "c")?.isArray, true)
        XCTAssertEqual(checked.map(named: "str")?.valueSize, 16)
    }

    func testMapConflicts() {
        XCTAssertEqual(
            semanticErrors("BEGIN { @x = count(); @x = sum(1); }", at: ["@x #2"]),
            ["@x is a count() map; it cannot also hold sum()"])
        XCTAssertEqual(
            semanticErrors("BEGIN { @x[1] = 1; @x[1, 2] = 2; }", at: ["@x[1, 2]"]),
            ["@x is used with key (int8, int8) here but with key (int8) elsewhere"])
        XCTAssertEqual(
            semanticErrors("BEGIN { @x = 1; @x[1] = 2; }", at: ["@x[1]"]),
            ["@x is used with key (int8) here but with no key elsewhere"])
        XCTAssertEqual(
            semanticErrors("BEGIN { @x[comm] = 1; @x[pid] = 1; }", at: ["@x[pid]"]),
            ["@x is used with key (uint32) here but with key (string[16]) elsewhere"])
        XCTAssertEqual(
            semanticErrors("BEGIN { @x[1] = 1; $v = @x[1, 2]; }", at: ["@x[1, 2]"]),
            ["@x has 1 key part(s), used here with 2"])
        XCTAssertEqual(
            semanticErrors("BEGIN { @x[1] = 1; $v = @x[\"a\"]; }", at: ["\"a\""]),
            ["key part 1 of @x is int8, not string[2]"])
        XCTAssertEqual(
            semanticErrors("BEGIN { @x = 1; @x = \"a\"; }", at: ["@x #2"]),
            ["@x holds int8; it cannot also hold string[2]"])
        XCTAssertEqual(
            semanticErrors("BEGIN { @x = count(); @x = 1; }", at: ["@x #2"]),
            ["@x is a count() map; it cannot also be assigned int8"]
        )
        XCTAssertEqual(
            semanticErrors("BEGIN { @x = 1; @x = count(); }", at: ["@x #2"]),
            ["@x holds int8; it cannot also be a count() map"])
        XCTAssertEqual(
            semanticErrors("BEGIN { @x = count(); @x++; }", at: ["@x #2"]),
            ["@x is a count() map; it cannot also be assigned int64"])
        // Conflicts across probes are found too.
        XCTAssertEqual(
            semanticErrors("BEGIN { @x = hist(1); } END { @x = lhist(1, 0, 10, 1); }", at: ["@x #2"]),
            ["@x is a hist() map; it cannot also hold lhist()"])
    }

    func testMapConflictRendering() {
        let text = "BEGIN {\n  @x = count();\n  @x = sum(1);\n}"
        XCTAssertEqual(
            DiagnosticList(semanticDiagnostics(text)).rendered(in: source(text)),
            """
            prog.bt:3:3: error: @x is a count() map; it cannot also hold sum()
              @x = sum(1);
              ^~

            """)
        let arity = "BEGIN { @x[1] = 1; @x[1, 2] = 2; }"
        XCTAssertEqual(
            DiagnosticList(semanticDiagnostics(arity)).rendered(in: source(arity)),
            """
            prog.bt:1:20: error: @x is used with key (int8, int8) here but with key (int8) elsewhere
            BEGIN { @x[1] = 1; @x[1, 2] = 2; }
                               ^~~~~~~~

            """)
    }

    func testAggregationMisuse() {
        XCTAssertEqual(
            semanticErrors("BEGIN { count(); }", at: ["count()"]),
            ["count() must be assigned to a map, e.g. @x = count(...)"])
        XCTAssertEqual(
            semanticErrors("BEGIN { $x = count(); }", at: ["count()"]),
            ["aggregations like count() can only be assigned to maps"])
        XCTAssertEqual(
            semanticErrors("BEGIN { @x += count(); }", at: ["@x += count()"]),
            ["aggregations are assigned with '=', e.g. @x = count()"])
        XCTAssertEqual(
            semanticErrors("BEGIN { @h = hist(1); $v = @h; }", at: ["@h #2"]),
            ["@h holds hist() data, which can only be printed"])
        XCTAssertEqual(
            semanticErrors("BEGIN { @x += \"a\"; }", at: ["\"a\""]), ["'+=' needs integers, found string[2]"])
        XCTAssertEqual(
            semanticErrors("BEGIN { @x = printf(\"a\"); }", at: ["printf(\"a\")"]), ["void cannot be stored in a map"])
        XCTAssertEqual(
            semanticErrors("t:sched:sched_switch { @x[args] = 1; }", at: ["args"]), ["args cannot be used as a map key"]
        )
        XCTAssertEqual(
            semanticErrors("BEGIN { @x = count(1); }", at: ["count(1)"]), ["count() takes 0 argument(s), 1 given"])
        XCTAssertEqual(
            semanticErrors("BEGIN { @x = hist(); }", at: ["hist()"]), ["hist() takes 1 to 2 argument(s), 0 given"])
        XCTAssertEqual(
            semanticErrors("BEGIN { @x = sum(comm); }", at: ["comm"]),
            ["argument 1 of sum() must be an integer, not string[16]"])
    }

    func testReadingCountsAndPlainValues() {
        XCTAssertEqual(typeOf("@c", prelude: "@c = count();"), .s64)
        XCTAssertEqual(typeOf("@x[1]", prelude: "@x[1] = \"ab\";"), .string(size: 3))
        XCTAssertEqual(semanticErrors("BEGIN { $v = @never; }", at: ["@never"]), ["@never is read but never assigned"])
    }

    func testLhistValidation() throws {
        XCTAssertEqual(
            semanticErrors("BEGIN { @l = lhist(pid, 0, 100); }", at: ["lhist(pid, 0, 100)"]),
            ["lhist() takes 4 argument(s), 3 given"])
        XCTAssertEqual(
            semanticErrors("BEGIN { @l = lhist(pid, 10, 0, 1); }", at: ["lhist(pid, 10, 0, 1)"]),
            ["lhist() needs min < max and a positive step"])
        XCTAssertEqual(
            semanticErrors("BEGIN { @l = lhist(pid, 0, 100, 0); }", at: ["lhist(pid, 0, 100, 0)"]),
            ["lhist() needs min < max and a positive step"])
        XCTAssertEqual(
            semanticErrors("BEGIN { @l = lhist(pid, 0, 100, -5); }", at: ["lhist(pid, 0, 100, -5)"]),
            ["lhist() needs min < max and a positive step"])
        XCTAssertEqual(
            semanticErrors("BEGIN { @l = lhist(pid, pid, 100, 1); }", at: ["pid #2"]),
            ["argument 2 of lhist() must be an integer literal"])
        XCTAssertEqual(
            semanticErrors("BEGIN { @l = lhist(pid, 0, 100000, 1); }", at: ["lhist(pid, 0, 100000, 1)"]),
            ["lhist() would have more than 1000 buckets"])
        XCTAssertEqual(
            semanticErrors("BEGIN { @l = lhist(comm, 0, 10, 1); }", at: ["comm"]),
            ["argument 1 of lhist() must be an integer, not string[16]"])
        let negative = try check("BEGIN { @l = lhist(pid, -10, 10, 5); }")
        XCTAssertEqual(negative.map(named: "l")?.value, .aggregation(.lhist(min: -10, max: 10, step: 5), signed: false))
        let positional = try check(
            "BEGIN { @l = lhist(pid, 0, $1, 10); }", options: .init(positionalParameters: ["100"]))
        XCTAssertEqual(
            positional.map(named: "l")?.value, .aggregation(.lhist(min: 0, max: 100, step: 10), signed: false))
    }

    // MARK: Variables and names

    func testUndefinedVariables() {
        XCTAssertEqual(
            semanticErrors("BEGIN { printf(\"%d\\n\", $nope); }", at: ["$nope"]),
            ["$nope is used before it is assigned"])
        XCTAssertEqual(semanticErrors("BEGIN { $x += 1; }", at: ["$x"]), ["$x is used before it is assigned"])
        XCTAssertEqual(semanticErrors("BEGIN { $x++; }", at: ["$x"]), ["$x is used before it is assigned"])
        XCTAssertEqual(
            semanticErrors("BEGIN { $y = $x; $x = 1; }", at: ["$x #1"]), ["$x is used before it is assigned"])
        // Variables belong to one probe.
        XCTAssertEqual(
            semanticErrors("BEGIN { $x = 1; } END { $y = $x; }", at: ["$x #2"]), ["$x is used before it is assigned"])
    }

    func testVariableTypes() throws {
        XCTAssertEqual(
            semanticErrors("BEGIN { $x = 1; $x = \"a\"; }", at: ["\"a\""]),
            ["type mismatch for $x: it holds int8, cannot assign string[2]"])
        XCTAssertEqual(
            semanticErrors("BEGIN { $x = exit(); }", at: ["exit()"]), ["cannot assign a value-less expression to $x"])
        XCTAssertEqual(typeOf("$x", prelude: "let $x: uint8 = 1;"), .int(bytes: 1, signed: false))
        XCTAssertEqual(typeOf("$s", prelude: "let $s: string[8];"), .string(size: 8))
        XCTAssertEqual(typeOf("$x", prelude: "$x = \"a\"; $x = comm;"), .string(size: 16))
        XCTAssertEqual(
            semanticErrors("BEGIN { let $x: struct foo; }", at: ["struct foo"]),
            ["cannot cast to 'struct foo': only integer types and pointers are supported"])
        let loop = try check("BEGIN { for ($i : 0..3) { @x = $i; } }")
        XCTAssertEqual(loop.units[0].variables["i"], .s64)
    }

    func testUnknownFunctionsAndIdentifiers() {
        let unknownFunction = semanticDiagnostics("BEGIN { foo(1); }")
        XCTAssertEqual(unknownFunction.map(\.message), ["unknown function foo()"])
        XCTAssertEqual(unknownFunction.map { culprit(of: $0.range, in: "BEGIN { foo(1); }") }, ["foo(1)"])
        XCTAssertEqual(unknownFunction.first?.notes.first?.hasPrefix("functions: count, sum,"), true)
        let unknownName = semanticDiagnostics("BEGIN { $x = bar; }")
        XCTAssertEqual(unknownName.map(\.message), ["unknown identifier 'bar'"])
        XCTAssertEqual(unknownName.map { culprit(of: $0.range, in: "BEGIN { $x = bar; }") }, ["bar"])
        XCTAssertEqual(unknownName.first?.notes.first?.hasPrefix("builtins: "), true)
        XCTAssertEqual(unknownName.first?.notes.first?.contains("comm"), true)
        XCTAssertEqual(
            semanticErrors("BEGIN { $x = count; }", at: ["count"]), ["count is a function: call it as count(...)"])
    }
}
