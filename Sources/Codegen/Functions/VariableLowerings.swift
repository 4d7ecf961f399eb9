import CLLVM
import Language

extension FunctionLoweringTable {
    /// How the builtin variables (`BuiltinVariableTable.builtin`) are read. A variable is
    /// lowered like a call without arguments; `CallLowering.expression` is the variable.
    public static let builtinVariables = FunctionLoweringTable(
        FunctionLowering.processVariables + FunctionLowering.contextVariables)
}

extension FunctionLowering {
    /// A variable computed from one helper's result.
    private static func helper(
        _ name: String, _ compute: @escaping @Sendable (CallLowering) -> LLVMValueRef
    )
        -> FunctionLowering
    {
        FunctionLowering(name: name) { call in .scalar(compute(call)) }
    }

    /// Who and when: the task, the CPU, the time.
    static let processVariables = [
        // pid/tid and uid/gid are fixed for a run: one helper call at entry serves every use.
        helper("pid") {
            LLVMBuildLShr($0.builder, $0.lowering.invariantHelper(.getCurrentPidTgid), $0.const64(32), "")
        },
        helper("tid") {
            LLVMBuildAnd($0.builder, $0.lowering.invariantHelper(.getCurrentPidTgid), $0.const64(0xFFFF_FFFF), "")
        },
        helper("uid") {
            LLVMBuildAnd($0.builder, $0.lowering.invariantHelper(.getCurrentUidGid), $0.const64(0xFFFF_FFFF), "")
        },
        helper("gid") { LLVMBuildLShr($0.builder, $0.lowering.invariantHelper(.getCurrentUidGid), $0.const64(32), "") },
        // As current bpftrace: boot time, which keeps counting while the machine sleeps.
        helper("nsecs") { $0.lowering.ir.helper(.ktimeGetBootNs, []) },
        helper("elapsed") {
            LLVMBuildSub(
                $0.builder, $0.lowering.ir.helper(.ktimeGetNs, []),
                $0.const64($0.lowering.options.startTimeNanoseconds),
                "")
        },
        helper("cpu") { $0.lowering.ir.helper(.getSmpProcessorID, []) },
        helper("ncpus") { $0.lowering.ir.const64($0.lowering.options.cpuCount) },
        helper("cpid") { $0.lowering.ir.const64(Int($0.lowering.options.childPID)) },
        helper("rand") {
            LLVMBuildAnd($0.builder, $0.lowering.ir.helper(.getPrandomU32, []), $0.const64(0xFFFF_FFFF), "")
        },
        helper("true") { $0.const64(1) },
        helper("false") { $0.const64(0) },
        // The uid travels; user space names it (`SType.named(.user)`).
        helper("username") {
            LLVMBuildAnd($0.builder, $0.lowering.invariantHelper(.getCurrentUidGid), $0.const64(0xFFFF_FFFF), "")
        },
        helper("numaid") { $0.lowering.ir.helper(.numaNodeID, []) },
        helper("cgroup") { $0.lowering.ir.helper(.getCurrentCgroupID, []) },
        helper("jiffies") { $0.lowering.ir.helper(.jiffies64, []) },
        helper("curtask") { $0.lowering.ir.helper(.getCurrentTask, []) },
        helper("ctx") { LLVMBuildPtrToInt($0.builder, $0.lowering.contextPointer, $0.lowering.ir.i64, "")! },
        FunctionLowering(name: "comm") { call in
            let lowering = call.lowering, ir = lowering.ir
            let slot = lowering.stackBuffer(size: 16)
            ir.helper(.getCurrentComm, [slot, LLVMConstInt(ir.i32, 16, 0)])
            return .buffer(slot)
        },
    ]

    /// What the probe saw: its name, arguments, return value and stacks.
    static let contextVariables =
        ["probe", "probetype", "func"].map { name in
            FunctionLowering(name: name) { call in
                let lowering = call.lowering
                // `func` of a kprobe: the function's address, a ksym.
                if let address = call.constant { return .scalar(call.const64(address)) }
                if call.type(of: call.expression) == .ksym {
                    return .scalar(lowering.ir.helper(.getFuncIP, [lowering.contextPointer]))
                }
                let text = BuiltinVariable.probeString(name, lowering.unit.target)
                return .buffer(lowering.constantString(text, size: call.type(of: call.expression).storageSize))
            }
        }
        + (0..<6).flatMap { index in
            ["arg\(index)", "sarg\(index)"].map { helper($0) { $0.lowering.argument(index) } }
        } + [
            FunctionLowering(name: "kstack") { call in .scalar(call.lowering.stackID(user: false)) },
            FunctionLowering(name: "ustack") { call in call.lowering.userStack() },
            FunctionLowering(name: "retval") { call in
                let lowering = call.lowering, ir = lowering.ir
                // fexit: the return value follows the function's arguments in the context.
                if lowering.unit.provider.context == .functionArguments {
                    let offset = lowering.unit.context.fields.count * 8
                    return .scalar(ir.load(ir.i64, from: ir.offset(lowering.contextPointer, offset), alignment: 8))
                }
                return .scalar(lowering.register("ax"))
            },
            // `args.FIELD` reads the field alone (`UnitLowering.contextField`); `args` as a value
            // is the record of them all.
            FunctionLowering(name: "args") { call in call.lowering.argumentsRecord(call.expression) },
        ]
}
