import CLLVM
import Language

extension FunctionLowering {
    static let stringEdits = [
        FunctionLowering(name: "str_concat", lower: strConcat),
        FunctionLowering(name: "strcap") { call in .scalar(call.const64(call.constant ?? 0)) },
        FunctionLowering(name: "memcmp", lower: memcmp),
    ]

    /// str_concat(): s1's buffer, then s2's copied where s1's first NUL is. Each place s1 may
    /// end has its own copy at a constant offset, which the verifier checks without bounds
    /// tracking; a full s1 (no NUL) is followed by s2 at its end.
    @Sendable static func strConcat(_ call: CallLowering) -> Lowered {
        let lowering = call.lowering, ir = lowering.ir, b = call.builder
        guard case .string(let size) = call.type(of: call.expression),
            case .string(let firstSize) = call.type(of: call.arguments[0]),
            case .string(let secondSize) = call.type(of: call.arguments[1]),
            case .buffer(let first) = call.lower(0), case .buffer(let second) = call.lower(1)
        else { return .buffer(lowering.constantString("")) }
        let result = lowering.stackBuffer(size: size)
        ir.memset(result, size: (size + 7) / 8 * 8)
        ir.memcpy(result, first, size: firstSize)
        let end = ir.block("str_concat.end")
        for index in 0..<firstSize {
            let append = ir.block("str_concat.append")
            if index < firstSize - 1 {
                let byte = ir.load(ir.i8, from: ir.offset(first, index), alignment: 1)
                let more = ir.block("str_concat.more")
                LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntEQ, byte, LLVMConstInt(ir.i8, 0, 0), ""), append, more)
                ir.position(at: append)
                ir.memcpy(ir.offset(result, index), second, size: secondSize)
                ir.branch(to: end)
                ir.position(at: more)
            } else {
                // The last byte of s1's buffer: its NUL, or a string filling the buffer.
                ir.branch(to: append)
                ir.position(at: append)
                ir.memcpy(ir.offset(result, index), second, size: secondSize)
                ir.branch(to: end)
            }
        }
        ir.position(at: end)
        return .buffer(result)
    }

    /// memcmp(): the first count bytes, unrolled; the difference of the first unequal pair
    /// (as unsigned bytes), or 0.
    @Sendable static func memcmp(_ call: CallLowering) -> Lowered {
        let lowering = call.lowering, ir = lowering.ir, b = call.builder
        guard let count = call.constant else { return .scalar(call.const64(0)) }
        let sides = (0..<2).map { index -> LLVMValueRef in
            switch (call.type(of: call.arguments[index]), call.lower(index)) {
            case (.buffer, .buffer(let pointer)): return ir.offset(pointer, 8)
            case (_, .buffer(let pointer)): return pointer
            case (_, .scalar(let value)):
                let slot = lowering.stackBuffer(size: 8)
                ir.store(value, to: slot, alignment: 8)
                return slot
            case (_, .none): return lowering.constantString("")
            }
        }
        let result = lowering.stackBuffer(size: 8)
        ir.store(call.const64(0), to: result, alignment: 8)
        let end = ir.block("memcmp.end")
        for index in 0..<Int(count) {
            let left = LLVMBuildZExt(b, ir.load(ir.i8, from: ir.offset(sides[0], index), alignment: 1), ir.i64, "")!
            let right = LLVMBuildZExt(b, ir.load(ir.i8, from: ir.offset(sides[1], index), alignment: 1), ir.i64, "")!
            let differ = ir.block("memcmp.differ"), same = ir.block("memcmp.same")
            LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntNE, left, right, ""), differ, same)
            ir.position(at: differ)
            ir.store(LLVMBuildSub(b, left, right, "")!, to: result, alignment: 8)
            ir.branch(to: end)
            ir.position(at: same)
        }
        ir.branch(to: end)
        ir.position(at: end)
        return .scalar(ir.load(ir.i64, from: result, alignment: 8))
    }
}
