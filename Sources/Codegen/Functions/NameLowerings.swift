import CLLVM
import Language

extension FunctionLowering {
    /// The number travels as it is; user space names it (`SType.named`).
    static let names = ["syscall_name", "signal_name", "strerror"].map { name in
        FunctionLowering(name: name) { call in .scalar(call.scalar(0)) }
    }
}
