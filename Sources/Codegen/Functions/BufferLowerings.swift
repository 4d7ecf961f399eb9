import CLLVM
import Language

extension FunctionLowering {
    /// buf(): (length, bytes) on the stack; a runtime length is clamped to the buffer so the
    /// verifier can bound the read.
    static let buffers = [
        FunctionLowering(name: "buf") { call in
            let lowering = call.lowering, ir = lowering.ir, args = call.arguments
            guard case .buffer(let size) = call.type(of: call.expression) else { return .none }
            let storage = SType.buffer(size: size).storageSize
            let slot = lowering.stackBuffer(size: storage)
            ir.memset(slot, size: storage)
            var length: LLVMValueRef = call.const64(UInt64(size))
            if args.count == 2, !args[1].isIntegerLiteral {
                let wanted = call.scalar(1)
                let tooLong = LLVMBuildICmp(call.builder, LLVMIntUGT, wanted, call.const64(UInt64(size)), "")!
                length = LLVMBuildSelect(call.builder, tooLong, call.const64(UInt64(size)), wanted, "")!
            }
            switch call.type(of: args[0]) {
            case .string, .buffer:
                // A buffer's bytes follow its length; a string's start at once.
                var offset = 0
                if case .buffer = call.type(of: args[0]) { offset = 8 }
                guard case .buffer(let source) = call.lower(0) else { return .buffer(slot) }
                ir.memcpy(ir.offset(slot, 8), ir.offset(source, offset), size: size)
            default:
                let pointer = LLVMBuildIntToPtr(call.builder, call.scalar(0), ir.bytePointer, "")!
                let bytes = LLVMBuildTrunc(call.builder, length, ir.i32, "")!
                ir.helper(lowering.readHelper, [ir.offset(slot, 8), bytes, pointer])
            }
            ir.store(length, to: slot, alignment: 8)
            return .buffer(slot)
        }
    ]
}
