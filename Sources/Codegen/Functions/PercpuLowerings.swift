import CLLVM
import Language

extension FunctionLowering {
    static let percpu = [
        FunctionLowering(name: "percpu_kaddr") { call in
            switch call.lowering.unit.perCPUVariables[call.expression.id] {
            case .btf(let id): return .scalar(PerCPUAddress.byBTF(call, id: id))
            case .besideRunqueue(let cfsRq, let rq, let delta):
                return .scalar(PerCPUAddress.besideRunqueue(call, cfsRqOffset: cfsRq, rqOffset: rq, delta: delta))
            case nil: return .scalar(call.const64(0))
            }
        }
    ]
}

enum PerCPUAddress {
    /// bpftrace's way: the verifier accepts only the ld_imm64 of the variable's BTF id itself
    /// as the helpers' first argument; they add the CPU's per-CPU offset (NULL past the last
    /// possible CPU).
    static func byBTF(_ call: CallLowering, id: UInt32) -> LLVMValueRef {
        let ir = call.lowering.ir
        let variable = ir.pseudo(kind: BPFPseudo.btfID, immediate: UInt64(id))
        guard call.arguments.count == 2 else { return ir.helper(.thisCPUPointer, [variable]) }
        let cpu = LLVMBuildTrunc(call.builder, call.scalar(1), ir.i32, "")!
        return ir.helper(.perCPUPointer, [variable, cpu])
    }

    /// Without kallsyms: this CPU's run queue, read from the current task, is `delta` bytes
    /// from the variable in this CPU's per-CPU area; another CPU's area is as far away as its
    /// slot of a per-CPU array map is from this CPU's. 0 when a read fails or `cpu` is past
    /// the last possible CPU.
    static func besideRunqueue(_ call: CallLowering, cfsRqOffset: Int, rqOffset: Int, delta: Int64) -> LLVMValueRef {
        let lowering = call.lowering, ir = lowering.ir, b = call.builder
        let task = ir.helper(.getCurrentTask, [])
        let queue = kernelWord(lowering, at: LLVMBuildAdd(b, task, ir.const64(cfsRqOffset), "")!)
        let runqueue = kernelWord(lowering, at: LLVMBuildAdd(b, queue, ir.const64(rqOffset), "")!)
        let result = lowering.stackBuffer(size: 8)
        ir.store(ir.const64(UInt64(0)), to: result, alignment: 8)
        let found = ir.block("percpu.found"), done = ir.block("percpu.done")
        LLVMBuildCondBr(b, ir.isNonZero(runqueue), found, done)
        ir.position(at: found)
        let here = LLVMBuildAdd(b, runqueue, ir.const64(delta), "")!
        if call.arguments.count == 2 {
            let key = lowering.stackBuffer(size: 8)
            ir.store(LLVMConstInt(ir.i32, 0, 0), to: key, alignment: 4)
            let mine = ir.helper(.mapLookup, [lowering.mapPointer(InternalMap.perCPUBases), key])
            let cpu = LLVMBuildTrunc(b, call.scalar(1), ir.i32, "")!
            let theirs = ir.helper(.mapLookupPercpuElem, [lowering.mapPointer(InternalMap.perCPUBases), key, cpu])
            let both = ir.block("percpu.both")
            let known = LLVMBuildAnd(b, ir.isNonZero(mine), ir.isNonZero(theirs), "")!
            LLVMBuildCondBr(b, known, both, done)
            ir.position(at: both)
            // The distance between the two map values is a plain number to the verifier only
            // once subtracted: kept apart through a volatile slot, so that LLVM does not add
            // `here` to one map value pointer first (which the verifier refuses).
            let distance = lowering.stackBuffer(size: 8)
            LLVMSetVolatile(LLVMBuildStore(b, LLVMBuildSub(b, theirs, mine, "")!, ir.cast(distance, to: LLVMPointerType(ir.i64, 0))), 1)
            let apart = LLVMBuildLoad2(b, ir.i64, ir.cast(distance, to: LLVMPointerType(ir.i64, 0)), "")!
            LLVMSetVolatile(apart, 1)
            ir.store(LLVMBuildAdd(b, here, apart, "")!, to: result, alignment: 8)
        } else {
            ir.store(here, to: result, alignment: 8)
        }
        ir.branch(to: done)
        ir.position(at: done)
        return ir.load(ir.i64, from: result, alignment: 8)
    }

    private static func kernelWord(_ lowering: UnitLowering, at address: LLVMValueRef) -> LLVMValueRef {
        let ir = lowering.ir
        let slot = lowering.stackBuffer(size: 8)
        ir.store(ir.const64(UInt64(0)), to: slot, alignment: 8)
        ir.helper(
            .probeReadKernel,
            [slot, LLVMConstInt(ir.i32, 8, 0), LLVMBuildIntToPtr(ir.builder, address, ir.bytePointer, "")!])
        return ir.load(ir.i64, from: slot, alignment: 8)
    }
}
