import XCTest

@testable import Codegen
@testable import Language

final class CompilerTests: XCTestCase {
    private let runtimeMaps = [InternalMap.events, InternalMap.lostEvents]

    // MARK: Programs

    func testBeginPrintf() throws {
        let compiled = try compile("BEGIN { printf(\"hi %d\\n\", pid); }")
        assertWellFormed(compiled)
        XCTAssertEqual(compiled.programs.count, 1)
        let program = compiled.programs[0]
        XCTAssertEqual(program.type, .rawTracepoint)
        XCTAssertEqual(program.target, ProbeTarget(kind: .begin, parts: []))
        XCTAssertEqual(program.name, "bpfsh_0")
        XCTAssertEqual(program.instructionCount, program.instructions.count)
        XCTAssertTrue(program.helperCalls.contains(14), "pid reads get_current_pid_tgid: \(program.helperCalls)")
        XCTAssertTrue(program.helperCalls.contains(130), "printf sends with ringbuf_output: \(program.helperCalls)")
        XCTAssertEqual(compiled.maps.map(\.name), runtimeMaps)
        XCTAssertEqual(
            Set(program.mapReferences),
            [compiled.mapID(named: InternalMap.events)!, compiled.mapID(named: InternalMap.lostEvents)!])
    }

    func testRuntimeMapSpecs() throws {
        let compiled = try compile("BEGIN { exit(); }")
        XCTAssertEqual(
            compiled.maps,
            [
                MapSpec(name: ".events", type: .ringBuffer, keySize: 0, valueSize: 0, maxEntries: 4096),
                MapSpec(name: ".lost", type: .perCPUArray, keySize: 4, valueSize: 8, maxEntries: 1),
            ])
        XCTAssertEqual(compiled.mapID(named: ".events"), 1)
        XCTAssertNil(compiled.mapID(named: ".stacks"))
        XCTAssertTrue(compiled.programs[0].helperCalls.contains(130), "exit() is an event")
    }

    /// The ring is sized by who sends events: none for a program that sends nothing, a small
    /// one when only BEGIN and END do, 1 MiB when a firing probe does; a session fixes it.
    func testTheEventRingIsSizedByWhatTheProgramSends() throws {
        func ring(_ text: String, options: CodegenOptions = CodegenOptions()) throws -> Int? {
            try compile(text, codegen: options).maps.first { $0.name == InternalMap.events }?.maxEntries
        }
        XCTAssertNil(try ring("t:sched:sched_switch { @[comm] = count(); }"))
        XCTAssertNil(try compile("t:sched:sched_switch { @n = count(); }").mapID(named: InternalMap.lostEvents))
        // BEGIN and END send at most once per call site unless they loop: a page holds these.
        XCTAssertEqual(try ring(#"BEGIN { printf("hi\n"); } t:sched:sched_switch { @n = count(); }"#), 4096)
        XCTAssertEqual(try ring(#"BEGIN { printf("a\n"); } END { print(@n); } t:sched:sched_switch { @n = count(); }"#), 4096)
        let sixteenStrings = (0..<16).map { _ in #"printf("%s\n", str(1, 200));"# }.joined(separator: " ")
        XCTAssertEqual(try ring("BEGIN { \(sixteenStrings) exit(); }"), 8192, "twice 16 events of 208 bytes, and exit's")
        for looping in [
            #"BEGIN { for ($i : 0..10) { printf("%d\n", $i); } }"#,
            #"BEGIN { $i = 0; while ($i < 5) { printf("x\n"); $i++; } }"#,
            #"BEGIN { @m[1] = 1; for ($kv : @m) { printf("x\n"); } }"#,
            #"macro twice() { unroll(2) { printf("x\n"); } 0 } BEGIN { $x = twice(); }"#,
        ] {
            XCTAssertEqual(try ring(looping), 256 << 10, looping)
        }
        XCTAssertEqual(try ring(#"BEGIN { printf("a\n"); } t:sched:sched_switch { printf("%d\n", pid); }"#), 1 << 20)
        XCTAssertEqual(try ring("t:sched:sched_switch, BEGIN { exit(); }"), 1 << 20, "shared with a firing probe")
        XCTAssertEqual(try ring("interval:s:1 { exit(); }"), 1 << 20)
        var fixed = CodegenOptions()
        fixed.eventRingBytes = 1 << 20
        XCTAssertEqual(try ring("BEGIN { exit(); }", options: fixed), 1 << 20)
        XCTAssertNil(try ring("BEGIN { @n = 1; }", options: fixed))
    }

    func testProgramTypePerProvider() throws {
        let text = """
            BEGIN { } END { } t:sched:sched_switch { } rt:sched_switch { } tp_btf:sched_switch { }
            fentry:vfs_read { } fexit:vfs_read { } k:vfs_read { } kr:vfs_read { } u:/bin/sh:main { }
            ur:/bin/sh:main { } usdt:/bin/sh:probe { } profile:hz:99 { } interval:s:1 { }
            software:cpu-clock { } hardware:cpu-cycles { }
            """
        let compiled = try compile(text)
        assertWellFormed(compiled)
        XCTAssertEqual(
            compiled.programs.map(\.type),
            [
                .rawTracepoint, .rawTracepoint, .tracepoint, .rawTracepoint, .tracing,
                .tracing, .tracing, .kprobe, .kprobe, .kprobe,
                .kprobe, .kprobe, .perfEvent, .perfEvent,
                .perfEvent, .perfEvent,
            ])
        XCTAssertEqual(
            compiled.programs.map(\.target.kind),
            [
                .begin, .end, .tracepoint, .rawtracepoint, .tpBTF, .fentry, .fexit, .kprobe, .kretprobe,
                .uprobe, .uretprobe, .usdt, .profile, .interval, .software, .hardware,
            ])
        for kind in ProviderKind.allCases {
            XCTAssertEqual(
                Compiler.programType(for: kind), compiled.programs.first { $0.target.kind == kind }?.type, "\(kind)")
        }
        XCTAssertEqual(BPFProgramType.kprobe.rawValue, 2)
        XCTAssertEqual(BPFProgramType.tracepoint.rawValue, 5)
        XCTAssertEqual(BPFProgramType.perfEvent.rawValue, 7)
        XCTAssertEqual(BPFProgramType.rawTracepoint.rawValue, 17)
        XCTAssertEqual(BPFProgramType.tracing.rawValue, 26)
    }

    func testOneProgramPerExpandedAttachPoint() throws {
        let compiled = try compile("t:syscalls:sys_enter_*, k:vfs_* { @[probe] = count(); }")
        assertWellFormed(compiled)
        XCTAssertEqual(
            compiled.programs.map(\.target.name),
            [
                "tracepoint:syscalls:sys_enter_openat", "tracepoint:syscalls:sys_enter_read", "kprobe:vfs_read",
                "kprobe:vfs_write",
            ])
        XCTAssertEqual(compiled.programs.map(\.unitIndex), [0, 1, 2, 3])
        XCTAssertEqual(compiled.programs.map(\.name), ["bpfsh_0", "bpfsh_1", "bpfsh_2", "bpfsh_3"])
        XCTAssertEqual(compiled.programs.map(\.type), [.tracepoint, .tracepoint, .kprobe, .kprobe])
        // Every unit updates the one shared map.
        let id = try XCTUnwrap(compiled.mapID(named: "@"))
        for program in compiled.programs { XCTAssertTrue(program.mapReferences.contains(id)) }
    }

    // MARK: Maps

    func testAggregationMapSpecs() throws {
        let compiled = try compile(
            """
            k:vfs_read {
                @c = count(); @h[comm] = hist(arg2); @l = lhist(arg2, 0, 100, 10); @a = avg(arg2);
                @s[pid, comm] = sum(arg2); @v[tid] = comm; @m = max(arg2);
            }
            """)
        assertWellFormed(compiled)
        XCTAssertEqual(
            compiled.maps.map(\.name), ["@c", "@h", "@l", "@a", "@s", "@v", "@m", ".constants"],
            "no events sent: no ring; a hash's new count holds the constants map's 1")
        let byName = Dictionary(uniqueKeysWithValues: compiled.maps.map { ($0.name, $0) })
        // Keyless aggregations are one-slot per-CPU arrays; histograms keep their bucket key.
        XCTAssertEqual(byName["@c"], MapSpec(name: "@c", type: .perCPUArray, keySize: 4, valueSize: 8, maxEntries: 1))
        XCTAssertEqual(
            byName["@h"], MapSpec(name: "@h", type: .perCPUHash, keySize: 24, valueSize: 8, maxEntries: 4096))
        XCTAssertEqual(
            byName["@l"], MapSpec(name: "@l", type: .perCPUHash, keySize: 16, valueSize: 8, maxEntries: 4096))
        XCTAssertEqual(byName["@a"], MapSpec(name: "@a", type: .perCPUArray, keySize: 4, valueSize: 16, maxEntries: 1))
        XCTAssertEqual(
            byName["@s"], MapSpec(name: "@s", type: .perCPUHash, keySize: 24, valueSize: 8, maxEntries: 4096))
        XCTAssertEqual(byName["@v"], MapSpec(name: "@v", type: .hash, keySize: 8, valueSize: 16, maxEntries: 4096))
        XCTAssertEqual(byName["@m"], MapSpec(name: "@m", type: .perCPUArray, keySize: 4, valueSize: 16, maxEntries: 1))
        let calls = Set(compiled.programs[0].helperCalls)
        XCTAssertTrue(calls.isSuperset(of: [1, 2]), "aggregations look up and update: \(calls)")
    }

    func testNewCountsTakeTheirOneFromTheConstantsMap() throws {
        let compiled = try compile("k:vfs_read { @c[comm] = count(); @h[pid] = hist(arg2); @s[pid] = sum(arg2); }")
        assertWellFormed(compiled)
        let constants = try XCTUnwrap(compiled.mapID(named: InternalMap.constants))
        XCTAssertEqual(
            compiled.maps[Int(constants) - 1],
            MapSpec(name: ".constants", type: .array, keySize: 4, valueSize: 8, maxEntries: 1, initialValue: [1, 0, 0, 0, 0, 0, 0, 0]))
        XCTAssertEqual(
            compiled.programs[0].mapValueReferences, [constants, constants],
            "the inserts of count and hist pass the constant; sum builds its value")

        for text in ["k:vfs_read { @c = count(); }", "k:vfs_read { @s[pid] = sum(arg2); }", "k:vfs_read { @a[pid] = avg(arg2); }"] {
            let without = try compile(text)
            XCTAssertNil(without.mapID(named: InternalMap.constants), "\(text): no insert of a 1")
            XCTAssertEqual(without.programs[0].mapValueReferences, [], text)
        }
    }

    func testMapMaxEntriesFollowTheOptions() throws {
        let compiled = try compile("BEGIN { @x[1] = 1; exit(); }", codegen: CodegenOptions(mapMaxEntries: 128))
        XCTAssertEqual(compiled.maps.first, MapSpec(name: "@x", type: .hash, keySize: 8, valueSize: 8, maxEntries: 128))
        XCTAssertEqual(
            compiled.maps.first { $0.name == ".events" }?.maxEntries, 4096,
            "the ring is not a map the option sizes: exit() sends one event")
    }

    func testCountLooksUpItsOwnMap() throws {
        let compiled = try compile("k:vfs_read { @c[pid] = count(); }")
        assertWellFormed(compiled)
        let program = compiled.programs[0]
        XCTAssertEqual(program.helperCalls.first, 14, "the key is built first")
        XCTAssertTrue(program.helperCalls.contains(1))
        let c = try XCTUnwrap(compiled.mapID(named: "@c"))
        XCTAssertEqual(c, 1)
        XCTAssertEqual(program.mapReferences.first, c, "the first map loaded is @c for the look-up")
        XCTAssertEqual(Set(program.mapReferences), [c], "a count touches only its own map")
    }

    func testStackMapOnlyWhenStacksAreUsed() throws {
        let without = try compile("k:vfs_read { @[comm] = count(); }")
        XCTAssertNil(without.mapID(named: InternalMap.stacks))
        XCTAssertFalse(without.programs[0].helperCalls.contains(27))

        for text in [
            "k:vfs_read { @[kstack] = count(); }", "u:/bin/sh:main { @[ustack] = count(); }",
            "k:vfs_read { @[kstack(5)] = count(); }", "k:vfs_read { printf(\"%s\", kstack); }",
        ] {
            let with = try compile(text)
            assertWellFormed(with, text)
            XCTAssertEqual(
                with.maps.last,
                MapSpec(name: ".stacks", type: .stackTrace, keySize: 4, valueSize: 127 * 8, maxEntries: 4096), text)
            XCTAssertTrue(with.programs[0].helperCalls.contains(27), "get_stackid in \(text)")
            XCTAssertTrue(with.programs[0].mapReferences.contains(with.mapID(named: ".stacks")!), text)
        }
    }

    func testScratchMapForLargeEvents() throws {
        let small = try compile("k:vfs_read { printf(\"%s %d\\n\", comm, pid); }")
        XCTAssertNil(small.mapID(named: InternalMap.scratch))

        let join = try compile("k:vfs_read { join(arg1); }")
        assertWellFormed(join)
        let scratch = try XCTUnwrap(join.maps.first { $0.name == InternalMap.scratch })
        XCTAssertEqual(scratch.type, .perCPUArray)
        XCTAssertEqual(scratch.keySize, 4)
        XCTAssertEqual(scratch.maxEntries, 1)
        XCTAssertGreaterThanOrEqual(scratch.valueSize, 8 + 16 * 64, "join() sends 16 strings of 64 bytes")
        XCTAssertEqual(scratch.valueSize, Compiler.scratchSize)
        let program = join.programs[0]
        XCTAssertTrue(program.mapReferences.contains(join.mapID(named: InternalMap.scratch)!))
        XCTAssertTrue(Set(program.helperCalls).isSuperset(of: [1, 130]), "\(program.helperCalls)")
        XCTAssertTrue(program.helperCalls.contains(45), "kprobes read strings with probe_read_str")

        let wide = try compile("k:vfs_read { printf(\"%s %s %s %s\\n\", str(arg0), str(arg1), str(arg2), str(arg3)); }")
        assertWellFormed(wide)
        XCTAssertNotNil(wide.mapID(named: InternalMap.scratch), "8 + 4 * 64 bytes exceed the stack event limit")
    }

    func testHelperPerBuiltin() throws {
        let cases: [(String, Int32)] = [
            ("BEGIN { @x = pid; }", 14), ("BEGIN { @x = tid; }", 14), ("BEGIN { @x = nsecs; }", 125),
            ("BEGIN { @x = elapsed; }", 5), ("BEGIN { @x = comm; }", 16), ("BEGIN { @x = uid; }", 15),
            ("BEGIN { @x = gid; }", 15), ("BEGIN { @x = cpu; }", 8), ("BEGIN { @x = rand; }", 7),
            ("BEGIN { @x = curtask; }", 35), ("BEGIN { @x = cgroup; }", 80), ("BEGIN { @x = jiffies; }", 118),
            ("k:vfs_read { @x = str(arg0); }", 45), ("u:/bin/sh:main { @x = str(arg0); }", 114),
            ("k:vfs_read { @x = *arg0; }", 4), ("u:/bin/sh:main { @x = *arg0; }", 112),
            ("t:sched:sched_switch { @x = args.prev_comm; }", 113),
            ("t:sched:sched_process_exec { @x = args.filename; }", 115),
            ("t:syscalls:sys_enter_openat { @x = str(args.filename); }", 45),
            ("BEGIN { @x = curtask->pid; }", 4),
            ("BEGIN { @x[1] = 1; delete(@x[1]); }", 3),
            ("BEGIN { @x = 1; }", 2),
            ("BEGIN { exit(); }", 130),
            ("BEGIN { time(); }", 130),
            ("BEGIN { @x = ncpus; }", 2),
            ("u:/bin/sh:main { @x[usym(arg0)] = 1; }", 14),
        ]
        for (text, helper) in cases {
            let compiled = try compile(text)
            assertWellFormed(compiled, text)
            XCTAssertTrue(
                compiled.programs[0].helperCalls.contains(helper),
                "\(text) should call helper \(helper): \(compiled.programs[0].helperCalls)")
        }
        // Builtins computed at compile time call nothing.
        let constant = try compile(
            "BEGIN { @x = ncpus + cpid + 3; }", codegen: CodegenOptions(cpuCount: 4, childPID: 99))
        XCTAssertFalse(constant.programs[0].helperCalls.contains(14))
        XCTAssertFalse(constant.programs[0].helperCalls.contains(8))
    }

    func testKaddrIsAnImmediate() throws {
        let compiled = try compile("BEGIN { @x = kaddr(\"jiffies\"); }")
        assertWellFormed(compiled)
        XCTAssertTrue(
            compiled.programs[0].loadedConstants.contains(0xffff_ffff_82a0_b000),
            "\(compiled.programs[0].loadedConstants)")
    }

    func testSizeofIsAConstant() throws {
        func ir(_ text: String) throws -> String { try Compiler().intermediateRepresentation(try checkedProgram(text)) }
        for (type, size) in [
            ("int32", 4), ("uint8", 1), ("int16", 2), ("uint64", 8), ("char", 1), ("int", 4),
            ("struct task_struct *", 8),
        ] {
            XCTAssertEqual(
                try ir("BEGIN { @x = sizeof(\(type)); }"), try ir("BEGIN { @x = \(size); }"), "sizeof(\(type))")
        }
        XCTAssertEqual(try ir("BEGIN { @x = sizeof(comm); }"), try ir("BEGIN { @x = 16; }"))
    }

    func testNamedConstantsAreLiterals() throws {
        func ir(_ text: String) throws -> String { try Compiler().intermediateRepresentation(try checkedProgram(text)) }
        XCTAssertEqual(try ir("BEGIN { @x = AF_INET6; }"), try ir("BEGIN { @x = 10; }"))
        XCTAssertEqual(try ir("BEGIN { @x = AT_FDCWD; }"), try ir("BEGIN { @x = -100; }"))
        XCTAssertEqual(try ir("BEGIN { @x = SKB_DROP_REASON_NOT_SPECIFIED; }"), try ir("BEGIN { @x = 2; }"))
    }

    func testElapsedSubtractsTheStartTime() throws {
        let compiled = try compile(
            "BEGIN { @x = elapsed; }", codegen: CodegenOptions(startTimeNanoseconds: 0x1234_5678_9abc))
        XCTAssertTrue(
            compiled.programs[0].loadedConstants.contains(0x1234_5678_9abc)
                || compiled.programs[0].loadedConstants.contains(UInt64(bitPattern: -0x1234_5678_9abc)),
            "\(compiled.programs[0].loadedConstants)")
    }

    // MARK: Output

    func testAssemblyNamesTheSections() throws {
        let checked = try checkedProgram("BEGIN { printf(\"a\\n\"); } k:vfs_read { @[comm] = count(); }")
        let assembly = try Compiler().assembly(checked)
        XCTAssertTrue(assembly.contains("bpfsh/0"), assembly)
        XCTAssertTrue(assembly.contains("bpfsh/1"), assembly)
        XCTAssertTrue(assembly.contains("probe_0"))
        XCTAssertTrue(assembly.contains("probe_1"))
        XCTAssertTrue(assembly.contains("exit"))
    }

    func testIntermediateRepresentation() throws {
        let checked = try checkedProgram("BEGIN { printf(\"a\\n\"); }")
        let ir = try Compiler().intermediateRepresentation(checked)
        XCTAssertTrue(ir.contains("define"), ir)
        XCTAssertTrue(ir.contains("@probe_0"), ir)
        XCTAssertTrue(ir.contains("\"bpfsh/0\""), ir)
        XCTAssertEqual(try Compiler().compile(checked).ir, "", "IR is kept only on request")
    }

    /// The code generation pipeline is built once and run on every module: what it makes must
    /// be what a pipeline built for that module alone makes (nothing of one module's code
    /// generation may reach the next).
    func testTheKeptCodegenPipelineMakesWhatAFreshOneMakes() throws {
        let programs = [
            #"tracepoint:syscalls:sys_enter_openat { printf("%s %d\n", str(args.filename), pid); }"#,
            "tracepoint:sched:sched_switch { @h = hist(args.prev_pid); @l = lhist(args.next_pid, 0, 100, 10); }",
            "profile:hz:49 { @e[kstack, cpu] = count(); }",
            "BEGIN { @s[1] = 1; for ($kv : @s) { printf(\"%d\\n\", $kv.0); } }",
            #"BEGIN { $i = 0; while ($i < 5) { printf("%d\n", $i); $i++; } exit(); }"#,
        ]
        let kept = try programs.map { try compile($0).code }
        ObjectEmitter.freshPipelineForEachEmit = true
        defer { ObjectEmitter.freshPipelineForEachEmit = false }
        let fresh = try programs.map { try compile($0).code }
        XCTAssertEqual(kept, fresh)
        XCTAssertEqual(Set(kept.map { $0.map(\.instructions) }).count, programs.count, "each program its own code")
    }

    func testCompiledProgramKeepsItsInput() throws {
        let compiled = try compile("BEGIN { @x = 1; } END { print(@x); }")
        XCTAssertEqual(compiled.checked.units.count, 2)
        XCTAssertEqual(compiled.checked.maps.map(\.name), ["x"])
        XCTAssertEqual(Set(compiled.timings.keys), ["lower", "optimize", "codegen"])
        XCTAssertTrue(compiled.timings.values.allSatisfy { $0 >= 0 })
    }

    // MARK: Many language features at once

    func testControlFlowAndExpressionsCompile() throws {
        let programs: [String] = [
            "BEGIN { $i = 0; $sum = 0; while ($i < 10) { $sum += $i; $i++; if ($i == 7) { break; } } "
                + "printf(\"%d\\n\", $sum); exit(); }",
            "BEGIN { $i = 1; unroll(5) { $i = $i * 2; } for ($j : 0..4) { if ($j == 2) { continue; } $i += $j; } "
                + "@x = $i; }",
            "BEGIN { $a = 3; printf(\"%s %d\\n\", $a > 2 ? \"yes\" : \"no\", -7 / 2 % 3); }",
            "BEGIN { if (comm == \"bpfsh\") { printf(\"self\\n\"); } else if (strncmp(comm, \"sh\", 2) == 0) { "
                + "exit(1); } else { return; } }",
            "t:sched:sched_switch /args.prev_pid != 0 && args.next_pid > 0/ { "
                + "@[args.prev_comm, args.next_comm] = count(); @lat = hist(args.prev_state); }",
            "t:syscalls:sys_enter_openat { printf(\"%s %s\\n\", comm, str(args.filename)); "
                + "@[str(args.filename, 32)] = count(); }",
            "t:sched:sched_process_exec { printf(\"%s\\n\", args.filename); }",
            "rt:sched_switch { @[args.prev->comm] = count(); @p = args.next->real_parent->tgid; }",
            "fentry:vfs_read { @bytes = sum(args.count); @f = args.file->f_flags; }",
            "kr:vfs_read /retval > 0/ { @ret = stats(retval); @mn = min(retval); @mx = max(retval); }",
            "u:/bin/sh:main { printf(\"%s %d\\n\", str(arg0), reg(\"sp\")); @u[usym(arg1)] = count(); }",
            "profile:hz:99 { @[kstack, ustack, cpu] = count(); }",
            "interval:s:1 { print(@x); clear(@x); zero(@y); time(\"%H:%M\\n\"); } BEGIN { @x[1] = 1; @y = count(); }",
            "BEGIN { @t[1, \"a\"] = (1, \"two\", comm); $t = @t[1, \"a\"]; printf(\"%d %s\\n\", $t.0, $t.1); "
                + "delete(@t[1, \"a\"]); }",
            "BEGIN { @s[\"a\"] = \"xy\"; @s[\"b\"] = comm; $v = @s[\"b\"]; printf(\"%s\\n\", $v); }",
            "BEGIN { $x = (uint8)300 + (int16)-1; $y = ~$x ^ 0xff << 2 >> 1 | 4 & 6; @z = !$y; @w--; ++@w; }",
            "k:vfs_read { @l[comm] = lhist(arg2, 0, 1000, 100); @k[ksym(reg(\"ip\"))] = count(); @i = ntop(2, arg0); }",
            "BEGIN { printf(\"%d %s %d\\n\", $1, $2, $#); }",
            "k:vfs_read { $p = (struct task_struct *)curtask; @pid = $p->pid; @v = curtask->se.vruntime; }",
        ]
        for text in programs {
            let options = SemanticAnalyzer.Options(positionalParameters: ["42", "str"])
            let compiled = try compile(
                text, options: options, codegen: CodegenOptions(positionalParameters: ["42", "str"]))
            assertWellFormed(compiled, text)
        }
    }
}

/// `-p PID` compiles a process filter into the probes that fire in some task's context.
final class TargetProcessFilterTests: XCTestCase {
    func testWhichProvidersFilterByTheTargetProcess() {
        let filtered = ProviderTable.builtin.descriptors.filter(CodegenOptions.filtersTargetProcess(at:)).map(\.kind)
        for kind in [ProviderKind.tracepoint, .rawtracepoint, .tpBTF, .profile, .software, .hardware, .kprobe, .fentry] {
            XCTAssertTrue(filtered.contains(kind), "\(kind.rawValue) should filter by -p")
        }
        // BEGIN/END run in bpfsh, interval fires in whatever task runs, uprobes attach to the process.
        for kind in [ProviderKind.begin, .end, .interval, .uprobe, .uretprobe, .usdt] {
            XCTAssertFalse(filtered.contains(kind), "\(kind.rawValue) should not filter by -p")
        }
    }
}

/// tseries(): bpftrace's layout, so its maps read the same way.
final class TimeSeriesLoweringTests: XCTestCase {
    func testMapLayoutAndClock() throws {
        let compiled = try compile("k:vfs_read { @t = tseries(arg2, 100ms, 5, \"max\"); @k[comm] = tseries(1, 1s, 3); }")
        assertWellFormed(compiled)
        let byName = Dictionary(uniqueKeysWithValues: compiled.maps.map { ($0.name, $0) })
        // Key: the user's key (a zero u64 without one) and the slot; value: value, meta, epoch.
        XCTAssertEqual(
            byName["@t"], MapSpec(name: "@t", type: .perCPUHash, keySize: 16, valueSize: 24, maxEntries: 4096))
        XCTAssertEqual(
            byName["@k"], MapSpec(name: "@k", type: .perCPUHash, keySize: 24, valueSize: 24, maxEntries: 4096))
        let calls = compiled.programs[0].helperCalls
        XCTAssertTrue(calls.contains(125), "intervals are counted in boot time (plus the TAI offset): \(calls)")
        XCTAssertTrue(Set(calls).isSuperset(of: [1, 2]), "a slot is looked up, a new one inserted")
    }

    func testDummyClockMapReplacesTheTime() throws {
        var options = CodegenOptions()
        options.timeSeriesClockMap = "ts"
        let compiled = try compile(
            "BEGIN { @ts = (uint64)5; @t = tseries(1, 1ms, 2); exit(); }", codegen: options)
        assertWellFormed(compiled)
        XCTAssertFalse(compiled.programs[0].helperCalls.contains(125), "the clock is @ts")
    }
}
