import CLLVM
import Language

extension FunctionLowering {
    /// container_of(): the member's address less its offset, fixed by the type checker.
    static let containerOf = [
        FunctionLowering(name: "container_of") { call in
            .scalar(LLVMBuildSub(call.builder, call.scalar(0), call.const64(call.constant ?? 0), "")!)
        }
    ]
}
