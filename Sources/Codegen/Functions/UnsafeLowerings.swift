import CLLVM
import Language

extension FunctionLowering {
    static let unsafe = [
        // system() is an event whose command user space runs.
        FunctionLowering(name: "system", lower: event),
        FunctionLowering(name: "signal") { call in
            let ir = call.lowering.ir
            ir.helper(.sendSignal, [LLVMConstInt(ir.i32, call.constant ?? 0, 0)])
            return .none
        },
    ]
}
