import CLLVM
import Language

extension FunctionLowering {
    /// len(): `bpf_for_each_map_elem` with a callback that counts into the caller's slot
    /// (the kernel has no element-count helper for hash maps).
    static let mapLength = [
        FunctionLowering(name: "len") { call in
            let lowering = call.lowering, ir = lowering.ir
            guard case .map(let mapName, _) = call.arguments[0].kind else { return .scalar(call.const64(0)) }
            let counter = lowering.stackBuffer(size: 8)
            ir.store(call.const64(0), to: counter, alignment: 8)
            let callback = lowering.countingCallback()
            ir.helper(.forEachMapElem, [lowering.mapPointer(mapName), callback, counter, call.const64(0)])
            // Copied through probe_read so the verifier sees an unknown count: were it to track
            // the exact count, a later test of it would make it verify the callback once per
            // element count and give up ("program is too large").
            let count = lowering.stackBuffer(size: 8)
            ir.helper(.probeReadKernel, [count, LLVMConstInt(ir.i32, 8, 0), counter])
            return .scalar(ir.load(ir.i64, from: count, alignment: 8))
        }
    ]
}

extension UnitLowering {
    /// `long count(map, key, value, long *n) { ++*n; return 0; }`, once per unit.
    func countingCallback() -> LLVMValueRef {
        let name = "\(functionName)_count"
        if let existing = LLVMGetNamedFunction(ir.module, name) { return existing }
        var parameters: [LLVMTypeRef?] = Array(repeating: ir.bytePointer, count: 4)
        let type = LLVMFunctionType(ir.i64, &parameters, 4, 0)
        let callback = LLVMAddFunction(ir.module, name, type)!
        LLVMSetSection(callback, section)
        LLVMSetLinkage(callback, LLVMInternalLinkage)
        let nounwind = LLVMGetEnumAttributeKindForName("nounwind", 8)
        LLVMAddAttributeAtIndex(
            callback, LLVMAttributeIndex(bitPattern: Int32(LLVMAttributeFunctionIndex)),
            LLVMCreateEnumAttribute(ir.context, nounwind, 0))
        let saved = LLVMGetInsertBlock(ir.builder)!
        let entry = LLVMAppendBasicBlockInContext(ir.context, callback, "entry")!
        ir.position(at: entry)
        let counter = LLVMGetParam(callback, 3)!
        let next = LLVMBuildAdd(ir.builder, ir.load(ir.i64, from: counter, alignment: 8), ir.const64(UInt64(1)), "")!
        ir.store(next, to: counter, alignment: 8)
        LLVMBuildRet(ir.builder, ir.const64(UInt64(0)))
        ir.position(at: saved)
        return callback
    }
}
