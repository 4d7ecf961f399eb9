import CLLVM
import Language

extension FunctionLowering {
    static let stringSearch = [
        FunctionLowering(name: "strcontains", lower: strcontains),
        FunctionLowering(name: "strlen", lower: strlen),
        FunctionLowering(name: "strstr", lower: strstr),
    ]

    /// strcontains(): whether the search finds the needle anywhere.
    @Sendable static func strcontains(_ call: CallLowering) -> Lowered {
        let index = firstOccurrence(call)
        return .scalar(call.lowering.ir.boolToI64(LLVMBuildICmp(call.builder, LLVMIntNE, index, call.const64(UInt64.max), "")))
    }

    /// strstr(): the index of the first occurrence, or -1.
    @Sendable static func strstr(_ call: CallLowering) -> Lowered { .scalar(firstOccurrence(call)) }

    /// Every start in the haystack against the needle, unrolled (no loop for the verifier to
    /// bound); the first NUL of the needle means a match at that start, the first NUL of the
    /// haystack the end of the search. Yields the start as an i64, or -1.
    static func firstOccurrence(_ call: CallLowering) -> LLVMValueRef {
        let lowering = call.lowering, ir = lowering.ir, b = call.builder
        guard case .string(let hs) = call.type(of: call.arguments[0]),
            case .string(let ns) = call.type(of: call.arguments[1]),
            case .buffer(let haystack) = call.lower(0), case .buffer(let needle) = call.lower(1)
        else { return call.const64(UInt64.max) }
        let result = lowering.stackBuffer(size: 8)
        ir.store(call.const64(UInt64.max), to: result, alignment: 8)
        let end = ir.block("strcontains.end")
        let zero = LLVMConstInt(ir.i8, 0, 0)
        let starts = (0..<hs).map { _ in ir.block("strcontains.start") }
        ir.branch(to: starts[0])
        for start in 0..<hs {
            ir.position(at: starts[start])
            let next = start + 1 < hs ? starts[start + 1] : end
            let found = ir.block("strcontains.found")
            for offset in 0..<ns {
                let n = ir.load(ir.i8, from: ir.offset(needle, offset), alignment: 1)
                let compare = ir.block("strcontains.compare")
                LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntEQ, n, zero, ""), found, compare)
                ir.position(at: compare)
                guard start + offset < hs else {
                    // The haystack's buffer ends before the needle does.
                    ir.branch(to: next)
                    break
                }
                // A NUL in the haystack differs from the needle's byte, which is not NUL here.
                let h = ir.load(ir.i8, from: ir.offset(haystack, start + offset), alignment: 1)
                if offset == 0 {
                    // The haystack ends at its first NUL: nothing after it is searched.
                    let within = ir.block("strcontains.within")
                    LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntEQ, h, zero, ""), end, within)
                    ir.position(at: within)
                }
                let equal = LLVMBuildICmp(b, LLVMIntEQ, h, n, "")
                if offset == ns - 1 {
                    // A needle filling its buffer without a NUL has matched whole.
                    LLVMBuildCondBr(b, equal, found, next)
                } else {
                    let same = ir.block("strcontains.same")
                    LLVMBuildCondBr(b, equal, same, next)
                    ir.position(at: same)
                }
            }
            ir.position(at: found)
            ir.store(call.const64(UInt64(start)), to: result, alignment: 8)
            ir.branch(to: end)
        }
        ir.position(at: end)
        return ir.load(ir.i64, from: result, alignment: 8)
    }

    /// strlen(): the index of the first NUL, or the buffer size when it holds none.
    @Sendable static func strlen(_ call: CallLowering) -> Lowered {
        let lowering = call.lowering, ir = lowering.ir, b = call.builder
        guard case .string(let size) = call.type(of: call.arguments[0]), case .buffer(let text) = call.lower(0) else {
            return .scalar(call.const64(0))
        }
        let result = lowering.stackBuffer(size: 8)
        ir.store(call.const64(UInt64(size)), to: result, alignment: 8)
        let end = ir.block("strlen.end")
        for index in 0..<size {
            let byte = ir.load(ir.i8, from: ir.offset(text, index), alignment: 1)
            let here = ir.block("strlen.nul"), more = ir.block("strlen.more")
            LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntEQ, byte, LLVMConstInt(ir.i8, 0, 0), ""), here, more)
            ir.position(at: here)
            ir.store(call.const64(UInt64(index)), to: result, alignment: 8)
            ir.branch(to: end)
            ir.position(at: more)
        }
        ir.branch(to: end)
        ir.position(at: end)
        return .scalar(ir.load(ir.i64, from: result, alignment: 8))
    }
}
