import CLLVM
import Language

/// `for ($i : A..B) { ... }` whose bounds are not both literals (`0..@m[5]`): the verifier
/// cannot bound a loop against a value it does not know, so the body becomes a callback of
/// `bpf_loop`, run B - A times (none when B <= A; at most the helper's 1 << 23), with the
/// probe's variables reached through the same frame as `for ($kv : @m)`. The bounds are
/// evaluated once, before the first iteration, as in bpftrace.
extension UnitLowering {
    static let loopHelperMaximum: UInt64 = 1 << 23

    func lowerRangeWithHelper(variable: String, from: Expr, to: Expr, body: [Stmt]) {
        guard variables[variable] != nil else { return }
        let b = ir.builder
        let start = scalar(from), limit = scalar(to)
        let count = LLVMBuildSub(b, limit, start, "")!
        let empty = LLVMBuildICmp(b, LLVMIntSLE, limit, start, "")!
        let clamped = LLVMBuildSelect(
            b, LLVMBuildICmp(b, LLVMIntUGT, count, ir.const64(Self.loopHelperMaximum), "")!,
            ir.const64(Self.loopHelperMaximum), count, "")!
        let iterations = LLVMBuildSelect(b, empty, ir.const64(UInt64(0)), clamped, "")!

        let names = frameVariableNames(loopVariable: variable, body: body)
        let frame = loopFrame(names: names, extra: 8)
        let startOffset = Self.frameHeader + 8 * names.count
        ir.store(start, to: ir.offset(frame, startOffset), alignment: 8)
        // long callback(u32 index, void *frame): $i = A + index.
        let callback = loopCallback(parameters: 2, frameParameter: 1, names: names, body: body) { callback in
            let b = self.ir.builder
            let raw = LLVMBuildPtrToInt(b, LLVMGetParam(callback, 0)!, self.ir.i64, "")!
            let index = LLVMBuildAnd(b, raw, self.ir.const64(0xffff_ffff), "")!
            let frame = LLVMGetParam(callback, 1)!
            let first = self.ir.load(self.ir.i64, from: self.ir.offset(frame, startOffset), alignment: 8)
            self.ir.store(LLVMBuildAdd(b, first, index, "")!, to: self.variables[variable]!, alignment: 8)
        }
        ir.helper(.loop, [LLVMBuildTrunc(b, iterations, ir.i32, "")!, callback, frame, ir.const64(UInt64(0))])
        returnIfLoopReturned(frame)
    }
}
