import CLLVM
import Language

extension FunctionLowering {
    /// ppid()/pcomm(), leader_tid()/leader_comm(): two kernel reads, the linked task then its field.
    static let tasks = ["ppid", "leader_tid"].map(taskInteger) + ["pcomm", "leader_comm"].map(taskComm)

    /// A 4-byte signed field of the linked task (ppid, leader_tid).
    private static func taskInteger(_ name: String) -> FunctionLowering {
        FunctionLowering(name: name) { call in
            guard let parent = parentAddress(call) else { return .scalar(call.const64(0)) }
            let lowering = call.lowering, ir = lowering.ir
            let slot = lowering.stackBuffer(size: 8)
            ir.store(call.const64(0), to: slot, alignment: 8)
            let field = LLVMBuildAdd(call.builder, parent, call.const64((call.constant ?? 0) & 0xFFFF_FFFF), "")!
            ir.helper(
                .probeReadKernel,
                [slot, LLVMConstInt(ir.i32, 4, 0), LLVMBuildIntToPtr(call.builder, field, ir.bytePointer, "")!])
            return .scalar(ir.loadInteger(bytes: 4, signed: true, from: slot))
        }
    }

    /// The 16-byte comm of the linked task (pcomm, leader_comm).
    private static func taskComm(_ name: String) -> FunctionLowering {
        FunctionLowering(name: name) { call in
            let lowering = call.lowering, ir = lowering.ir
            let slot = lowering.stackBuffer(size: 16)
            ir.memset(slot, size: 16)
            guard let parent = parentAddress(call) else { return .buffer(slot) }
            let field = LLVMBuildAdd(call.builder, parent, call.const64((call.constant ?? 0) & 0xFFFF_FFFF), "")!
            ir.helper(
                .probeReadKernelStr,
                [slot, LLVMConstInt(ir.i32, 16, 0), LLVMBuildIntToPtr(call.builder, field, ir.bytePointer, "")!])
            return .buffer(slot)
        }
    }

    /// `task->real_parent` (or group_leader), the task being the argument or the current one.
    private static func parentAddress(_ call: CallLowering) -> LLVMValueRef? {
        guard let packed = call.constant else { return nil }
        let lowering = call.lowering, ir = lowering.ir
        let task = call.arguments.isEmpty ? ir.helper(.getCurrentTask, []) : call.scalar(0)
        let slot = lowering.stackBuffer(size: 8)
        ir.store(call.const64(0), to: slot, alignment: 8)
        let address = LLVMBuildAdd(call.builder, task, call.const64(packed >> 32), "")!
        ir.helper(
            .probeReadKernel,
            [slot, LLVMConstInt(ir.i32, 8, 0), LLVMBuildIntToPtr(call.builder, address, ir.bytePointer, "")!])
        return ir.load(ir.i64, from: slot, alignment: 8)
    }
}
