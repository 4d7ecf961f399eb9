import CLLVM
import Language

extension FunctionLowering {
    static let strings = [
        FunctionLowering(name: "str", lower: str),
        FunctionLowering(name: "strncmp") { call in
            guard case .integer(let n) = call.arguments[2].kind else { return .scalar(call.const64(1)) }
            let equal = call.lowering.stringsEqual(call.arguments[0], call.arguments[1], limit: Int(n))
            return .scalar(LLVMBuildXor(call.builder, equal, call.const64(1), ""))
        },
        FunctionLowering(name: "ntop", lower: ntop),
    ]

    /// str(): a parameter's text, a copy of a string, or a string read from memory. (Written
    /// straight into an event or key, `UnitLowering.writeExpression` skips the stack copy.)
    @Sendable static func str(_ call: CallLowering) -> Lowered {
        let lowering = call.lowering, ir = lowering.ir, args = call.arguments
        let t = lowering.type(of: call.expression)
        if case .positional(let n) = args[0].kind {
            let parameters = lowering.options.positionalParameters
            let text = n >= 1 && n <= parameters.count ? parameters[n - 1] : ""
            return .buffer(lowering.constantString(text, size: t.storageSize))
        }
        if case .string = lowering.type(of: args[0]) {
            let copy = lowering.stackBuffer(size: t.storageSize)
            ir.memset(copy, size: t.storageSize)
            lowering.write(lowering.lower(args[0]), from: lowering.type(of: args[0]), to: t, at: copy)
            return .buffer(copy)
        }
        let address = call.scalar(0)
        let size = t.storageSize
        let slot = lowering.stackBuffer(size: size)
        ir.memset(slot, size: size)
        guard case .string(let limit) = t else { return .buffer(slot) }
        let pointer = LLVMBuildIntToPtr(call.builder, address, ir.bytePointer, "")!
        lowering.checkRead(
            ir.helper(lowering.readStringHelper, [slot, LLVMConstInt(ir.i32, UInt64(limit), 0), pointer]),
            helper: lowering.readStringHelper)
        return .buffer(slot)
    }

    /// ntop(): (family, address) in the 24-byte layout user space formats.
    @Sendable static func ntop(_ call: CallLowering) -> Lowered {
        let lowering = call.lowering, ir = lowering.ir, args = call.arguments
        let slot = lowering.stackBuffer(size: 24)
        ir.memset(slot, size: 24)
        let address = args.count == 2 ? args[1] : args[0]
        // Without a family, a 16-byte array (`u6_addr8`) is IPv6 (AF_INET6), as in bpftrace.
        let isV6Array = lowering.type(of: address).isArray && lowering.type(of: address).packedSize == 16
        let family = args.count == 2 ? call.scalar(0) : call.const64(isV6Array ? 10 : 2)
        ir.store(family, to: slot, alignment: 8)
        switch lowering.type(of: address) {
        case .string(let size):
            if case .buffer(let source) = lowering.lower(address) {
                ir.memcpy(ir.offset(slot, 8), source, size: Swift.min(16, size))
            }
        case .array:
            if case .buffer(let source) = lowering.lower(address) {
                ir.memcpy(ir.offset(slot, 8), source, size: Swift.min(16, lowering.type(of: address).packedSize))
            }
        case .buffer(let size):
            // pton()'s or buf()'s bytes follow the buffer's length word.
            if case .buffer(let source) = lowering.lower(address) {
                ir.memcpy(ir.offset(slot, 8), ir.offset(source, 8), size: Swift.min(16, size))
            }
        default:
            ir.store(
                LLVMBuildTrunc(call.builder, lowering.scalar(address), ir.i32, "")!, to: ir.offset(slot, 8),
                alignment: 4)
        }
        return .buffer(slot)
    }
}
