import CLLVM
import Language

extension FunctionLowering {
    static let integers = [
        // llvm.bswap at the argument's width, which the BPF backend emits as one `be`/`bswap`.
        FunctionLowering(name: "bswap") { call in
            let value = call.scalar(0)
            guard case .int(let bytes, _) = call.type(of: call.expression), bytes > 1 else { return .scalar(value) }
            let ir = call.lowering.ir
            let width = ir.intType(bytes: bytes)
            let name = "llvm.bswap.i\(bytes * 8)"
            var parameters: [LLVMTypeRef?] = [width]
            let type = parameters.withUnsafeMutableBufferPointer { LLVMFunctionType(width, $0.baseAddress, 1, 0)! }
            let function = LLVMGetNamedFunction(ir.module, name) ?? LLVMAddFunction(ir.module, name, type)
            var args: [LLVMValueRef?] = [LLVMBuildTrunc(call.builder, value, width, "")]
            let swapped = LLVMBuildCall2(call.builder, type, function, &args, 1, "")
            return .scalar(LLVMBuildZExt(call.builder, swapped, ir.i64, "")!)
        }
    ]
}
