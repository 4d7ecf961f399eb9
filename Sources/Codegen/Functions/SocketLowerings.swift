import CLLVM
import Language

extension FunctionLowering {
    /// socket_cookie(): the helper takes the BTF-typed pointer as the program loaded it.
    static let sockets = [
        FunctionLowering(name: "socket_cookie") { call in
            let ir = call.lowering.ir
            let socket = LLVMBuildIntToPtr(call.builder, call.scalar(0), ir.bytePointer, "")!
            return .scalar(ir.helper(.getSocketCookie, [socket]))
        }
    ]
        // The type checker refuses these, so their rows only keep the tables in step.
        + ["skboutput", "unwatch", "dw_ustack"].map { FunctionLowering(name: $0) { call in .scalar(call.const64(0)) } }
}
