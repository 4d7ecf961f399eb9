import CLLVM
import Language

extension FunctionLowering {
    /// macaddr(): the six bytes copied (from an array) or read (at an address) into a zeroed
    /// 8-byte slot, loaded as the integer user space shows byte by byte.
    static let macAddresses = [
        FunctionLowering(name: "macaddr") { call in
            let lowering = call.lowering, ir = lowering.ir
            let slot = lowering.stackBuffer(size: 8)
            ir.store(call.const64(0), to: slot, alignment: 8)
            switch call.type(of: call.arguments[0]) {
            case .string, .buffer, .array:
                // A buffer's bytes follow its length; a string's start at once.
                var offset = 0
                if case .buffer = call.type(of: call.arguments[0]) { offset = 8 }
                if case .buffer(let source) = call.lower(0) { ir.memcpy(slot, ir.offset(source, offset), size: 6) }
            default:
                let pointer = LLVMBuildIntToPtr(call.builder, call.scalar(0), ir.bytePointer, "")!
                ir.helper(lowering.readHelper, [slot, LLVMConstInt(ir.i32, 6, 0), pointer])
            }
            return .scalar(ir.load(ir.i64, from: slot, alignment: 8))
        }
    ]
}
