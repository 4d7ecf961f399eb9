import CLLVM
import Language

extension FunctionLowering {
    /// assert(): when the condition is 0, one event (user space reports it and ends the run)
    /// and the probe ends there, as exit() does.
    static let assertions = [
        FunctionLowering(name: "assert") { call in
            guard let id = call.formatID else { return .none }
            let lowering = call.lowering, ir = lowering.ir
            let failed = ir.block("assert.failed"), holds = ir.block("assert.holds")
            LLVMBuildCondBr(call.builder, ir.isNonZero(call.scalar(0)), holds, failed)
            ir.position(at: failed)
            lowering.emitEvent(kind: UInt64(id))
            ir.branch(to: lowering.returnBlock)
            ir.position(at: holds)
            return .none
        }
    ]
}
