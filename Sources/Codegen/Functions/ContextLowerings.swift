import CLLVM
import Language

extension FunctionLowering {
    /// usermode(): a constant where the checker knew the answer, else `(cs & 3) == 3`.
    static let contexts = [
        FunctionLowering(name: "usermode") { call in
            let source = FunctionDescriptor.UserModeSource(rawValue: call.constant ?? 0) ?? .kernel
            guard source == .register else { return .scalar(call.const64(source.rawValue)) }
            let privilege = LLVMBuildAnd(call.builder, call.lowering.register("cs"), call.const64(3), "")!
            let user = LLVMBuildICmp(call.builder, LLVMIntEQ, privilege, call.const64(3), "")!
            return .scalar(LLVMBuildZExt(call.builder, user, call.lowering.ir.i64, "")!)
        }
    ]
}
