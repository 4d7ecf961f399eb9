import CLLVM
import Language

/// `@m[k] = tseries(n, interval, intervals [, agg])`, laid out as bpftrace lays it out so its
/// maps read the same way: the key is the user's key plus the slot `epoch % intervals`, where
/// `epoch = now / interval`; each per-CPU slot is (value, meta, epoch). A slot still holding
/// an older epoch is started afresh; user space keeps each slot's latest epoch across CPUs.
extension UnitLowering {
    func updateTimeSeries(_ info: MapInfo, spec: TimeSeriesSpec, keys: [Expr], arguments: [Expr]) {
        let b = ir.builder
        let argument = arguments.first.map { scalar($0) } ?? ir.const64(UInt64(0))
        let signed = arguments.first.map { type(of: $0).isSigned } ?? false
        let now = timeSeriesNow()
        let epoch = LLVMBuildUDiv(b, now, ir.const64(spec.intervalNanoseconds), "")!
        let slotIndex = LLVMBuildURem(b, epoch, ir.const64(spec.intervals), "")!
        let key = buildKey(info, keys: keys, bucket: slotIndex)

        let existing = ir.block("tseries.existing")
        let insert = ir.block("tseries.insert")
        let done = ir.block("tseries.done")
        let pointer = lookup(info.name, key: key)
        LLVMBuildCondBr(b, ir.isNonZero(pointer), existing, insert)

        ir.position(at: insert)
        let fresh = stackBuffer(size: TimeSeriesSpec.slotSize)
        ir.memset(fresh, size: TimeSeriesSpec.slotSize)
        fold(spec.reduction, into: fresh, argument: argument, now: now, signed: signed)
        ir.store(epoch, to: ir.offset(fresh, 16), alignment: 8)
        let result = ir.helper(.mapUpdate, [mapPointer(info.name), key, fresh, ir.const64(UInt64(0))])  // BPF_ANY
        warnIfFull(info.name, result)
        ir.branch(to: done)

        ir.position(at: existing)
        if spec.reduction != .last {
            // The slot last held an older interval: its value and meta start again.
            let stale = ir.block("tseries.stale")
            let current = ir.block("tseries.current")
            let held = ir.load(ir.i64, from: ir.offset(pointer, 16), alignment: 8)
            LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntNE, held, epoch, "")!, stale, current)
            ir.position(at: stale)
            ir.store(ir.const64(UInt64(0)), to: pointer, alignment: 8)
            ir.store(ir.const64(UInt64(0)), to: ir.offset(pointer, 8), alignment: 8)
            ir.branch(to: current)
            ir.position(at: current)
        }
        fold(spec.reduction, into: pointer, argument: argument, now: now, signed: signed)
        ir.store(epoch, to: ir.offset(pointer, 16), alignment: 8)
        ir.branch(to: done)
        ir.position(at: done)
    }

    /// Folds one value into a slot's (value, meta): meta is the time of the last value, the
    /// number of values (avg), or whether the slot holds one (min, max).
    private func fold(
        _ reduction: TimeSeriesSpec.Reduction, into slot: LLVMValueRef, argument: LLVMValueRef,
        now: LLVMValueRef, signed: Bool
    ) {
        let b = ir.builder
        let meta = ir.offset(slot, 8)
        switch reduction {
        case .last:
            ir.store(argument, to: slot, alignment: 8)
            ir.store(now, to: meta, alignment: 8)
        case .sum, .avg:
            let total = ir.load(ir.i64, from: slot, alignment: 8)
            ir.store(LLVMBuildAdd(b, total, argument, "")!, to: slot, alignment: 8)
            if reduction == .avg {
                let count = ir.load(ir.i64, from: meta, alignment: 8)
                ir.store(LLVMBuildAdd(b, count, ir.const64(UInt64(1)), "")!, to: meta, alignment: 8)
            }
        case .min, .max:
            let current = ir.load(ir.i64, from: slot, alignment: 8)
            let hasValue = ir.isNonZero(ir.load(ir.i64, from: meta, alignment: 8))
            let predicate: LLVMIntPredicate =
                reduction == .min ? (signed ? LLVMIntSLT : LLVMIntULT) : (signed ? LLVMIntSGT : LLVMIntUGT)
            let better = LLVMBuildICmp(b, predicate, argument, current, "")!
            let replace = LLVMBuildOr(b, better, LLVMBuildNot(b, hasValue, "")!, "")!
            ir.store(LLVMBuildSelect(b, replace, argument, current, "")!, to: slot, alignment: 8)
            ir.store(ir.const64(UInt64(1)), to: meta, alignment: 8)
        }
    }

    /// The time intervals are counted in: boot time plus the TAI offset measured when the
    /// program is compiled (bpftrace's `sw_tai`), so that user space prints wall-clock times.
    /// `options.timeSeriesClockMap` names a keyless map read instead (bpftrace's
    /// BPFTRACE_DUMMY_TS_MAP, which its tests use to make intervals deterministic).
    private func timeSeriesNow() -> LLVMValueRef {
        if let name = options.timeSeriesClockMap, let info = program.map(named: name), info.keys.isEmpty,
            case .plain(let type) = info.value, type.isInteger
        {
            return readMapScalar(info, key: buildKey(info, keys: []))
        }
        let offset = FunctionDescriptor.taiOffsetFromBoot()
        return LLVMBuildAdd(ir.builder, ir.helper(.ktimeGetBootNs, []), ir.const64(offset), "")!
    }
}
