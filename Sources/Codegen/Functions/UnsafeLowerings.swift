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
        FunctionLowering(name: "signal_thread") { call in
            let ir = call.lowering.ir
            ir.helper(.sendSignalThread, [LLVMConstInt(ir.i32, call.constant ?? 0, 0)])
            return .none
        },
        // write_user(): the helper reads len bytes of BPF memory, so a string is passed by
        // its buffer and a pointer as is; len is clamped to a string's buffer.
        FunctionLowering(name: "write_user") { call in
            let ir = call.lowering.ir, b = call.builder
            let dst = LLVMBuildIntToPtr(b, call.scalar(0), ir.bytePointer, "")!
            var length = call.scalar(2)
            let source: LLVMValueRef
            switch call.type(of: call.arguments[1]) {
            case .string(let size), .buffer(let size):
                let offset: Int
                if case .buffer = call.type(of: call.arguments[1]) { offset = 8 } else { offset = 0 }
                guard case .buffer(let bytes) = call.lower(1) else { return .none }
                source = ir.offset(bytes, offset)
                let tooLong = LLVMBuildICmp(b, LLVMIntUGT, length, call.const64(UInt64(size)), "")!
                length = LLVMBuildSelect(b, tooLong, call.const64(UInt64(size)), length, "")!
            default:
                source = LLVMBuildIntToPtr(b, call.scalar(1), ir.bytePointer, "")!
            }
            let result = ir.helper(.probeWriteUser, [dst, source, LLVMBuildTrunc(b, length, ir.i32, "")!])
            return .scalar(ir.boolToI64(LLVMBuildICmp(b, LLVMIntEQ, result, call.const64(0), "")!))
        },
    ]
}
