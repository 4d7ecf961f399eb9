import CLLVM
import Language

extension FunctionLowering {
    /// is_err(p): -4095 <= p < 0 as a signed number, i.e. p + 4095 < 4095 unsigned.
    static let errorPointers = [
        FunctionLowering(name: "is_err") { call in
            let shifted = LLVMBuildAdd(call.builder, call.scalar(0), call.const64(4095), "")!
            let inside = LLVMBuildICmp(call.builder, LLVMIntULT, shifted, call.const64(4095), "")!
            return .scalar(call.lowering.ir.boolToI64(inside))
        }
    ]
}
