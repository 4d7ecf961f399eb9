import CLLVM
import Language

extension FunctionLowering {
    /// The limit is the type's (`kstack(5)`); user space cuts the stack when it prints.
    static let stacks = [
        FunctionLowering(name: "kstack") { call in .scalar(call.lowering.stackID(user: false)) },
        FunctionLowering(name: "ustack") { call in call.lowering.userStack() },
    ]
}
