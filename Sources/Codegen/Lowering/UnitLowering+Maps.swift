import CLLVM
import Language

extension UnitLowering {
    func mapPointer(_ name: String) -> LLVMValueRef {
        // User maps are keyed "@name" in the spec list; internal ones start with ".".
        ir.mapPointer(id: mapIDs[name] ?? mapIDs["@" + name] ?? 0)
    }

    /// Builds the key of `info` from key expressions, plus a bucket index for histograms.
    func buildKey(_ info: MapInfo, keys: [Expr], bucket: LLVMValueRef? = nil) -> LLVMValueRef {
        let key = stackBuffer(size: max(8, info.keySize))
        if info.isArray {
            ir.store(LLVMConstInt(ir.i32, 0, 0), to: key, alignment: 4)
            return key
        }
        if info.keys.isEmpty {
            ir.store(ir.const64(UInt64(0)), to: key, alignment: 8)
        } else if keys.count == 1, info.keys.count > 1, case .tuple(let parts) = type(of: keys[0]),
            parts.count == info.keys.count
        {
            // A whole key held in a tuple (`delete(@m, $kv.0)`): a key of several parts is laid
            // out as a tuple of them, so the tuple is the key.
            ir.memset(key, size: info.keySize)
            writeExpression(keys[0], to: .tuple(info.keys), at: key)
        } else {
            // `@m[a, b]` for a map keyed by the tuple `(a, b)` writes the tuple's parts, laid out
            // as the tuple is.
            let storages = info.keyParts(forUseWith: keys.count) ?? info.keys
            // Padding must be zero (it is part of the key), unless every composite part is
            // written in full, as comm is by bpf_get_current_comm.
            let needsZeroing = zip(keys, storages).contains { expr, storage in
                !isScalarStorage(storage) && !fillsCompletely(expr, storage)
            }
            if needsZeroing { ir.memset(key, size: info.keySize) }
            var offset = 0
            for (expr, storage) in zip(keys, storages) {
                writeExpression(expr, to: storage, at: ir.offset(key, offset))
                offset += storage.storageSize
            }
        }
        if let bucket {
            ir.store(bucket, to: ir.offset(key, info.keySize - 8), alignment: 8)
        }
        return key
    }

    func lookup(_ name: String, key: LLVMValueRef) -> LLVMValueRef {
        let result = ir.helper(.mapLookup, [mapPointer(name), key])
        return LLVMBuildIntToPtr(ir.builder, result, ir.bytePointer, "")
    }

    /// Updates a map. A full map refuses new keys; user space notices full maps when it reads
    /// them and says so, at no cost to every event here, except for a declared hash, which
    /// warns at once as bpftrace does.
    func updateMap(_ name: String, key: LLVMValueRef, value: LLVMValueRef, flags: UInt64 = 0) {
        let result = ir.helper(.mapUpdate, [mapPointer(name), key, value, ir.const64(flags)])
        warnIfFull(name, result)
    }

    /// Sends the map's "full" warning when an update was refused for want of room (-E2BIG).
    func warnIfFull(_ name: String, _ result: LLVMValueRef) {
        guard let id = program.map(named: name)?.fullWarning else { return }
        let full = ir.block("map.full"), after = ir.block("map.updated")
        let e2big = ir.const64(UInt64(bitPattern: -7))
        LLVMBuildCondBr(ir.builder, LLVMBuildICmp(ir.builder, LLVMIntEQ, result, e2big, "")!, full, after)
        ir.position(at: full)
        emitEvent(kind: UInt64(id))
        ir.branch(to: after)
        ir.position(at: after)
    }

    /// Adds one to this CPU's value of the probe's slot of the run counters.
    func countRun(in slot: Int) {
        increment(InternalMap.fired, slot: slot)
    }

    /// Counts an event the ring refused (`result`, the helper's return, is negative) in the
    /// probe's slot of the loss counters (slot 0 without a run counter: a one-shot run), so
    /// losses are known per probe.
    func countFailure(_ result: LLVMValueRef, in counter: String) {
        let failed = ir.block("failed")
        let done = ir.block("counted")
        LLVMBuildCondBr(
            ir.builder, LLVMBuildICmp(ir.builder, LLVMIntSLT, result, ir.const64(UInt64(0)), ""), failed, done)
        ir.position(at: failed)
        increment(counter, slot: options.firedSlot ?? 0)
        ir.branch(to: done)
        ir.position(at: done)
    }

    /// Adds one to this CPU's value of a slot of a per-CPU counter array. A plain add, like the
    /// per-CPU aggregations: the kernel does not nest kprobe, tracepoint and perf-event
    /// programs on one CPU, so no other run of this probe can come between the load and the store.
    private func increment(_ counter: String, slot: Int) {
        let key = stackBuffer(size: 8)
        ir.store(LLVMConstInt(ir.i32, UInt64(slot), 0), to: key, alignment: 4)
        let value = lookup(counter, key: key)
        let present = ir.block("counter.present")
        let done = ir.block("counter.done")
        LLVMBuildCondBr(ir.builder, ir.isNonZero(value), present, done)
        ir.position(at: present)
        let current = ir.load(ir.i64, from: value, alignment: 8)
        ir.store(LLVMBuildAdd(ir.builder, current, ir.const64(UInt64(1)), "")!, to: value, alignment: 8)
        ir.branch(to: done)
        ir.position(at: done)
    }

    /// Reads a map's integer value, 0 when the key is absent.
    func readMapScalar(_ info: MapInfo, key: LLVMValueRef) -> LLVMValueRef {
        let pointer = lookup(info.name, key: key)
        let result = stackBuffer(size: 8)
        ir.store(ir.const64(UInt64(0)), to: result, alignment: 8)
        let found = ir.block("map.found")
        let done = ir.block("map.done")
        LLVMBuildCondBr(ir.builder, ir.isNonZero(pointer), found, done)
        ir.position(at: found)
        ir.store(ir.load(ir.i64, from: pointer, alignment: 8), to: result, alignment: 8)
        ir.branch(to: done)
        ir.position(at: done)
        return ir.load(ir.i64, from: result, alignment: 8)
    }

    /// Reads any map value into a stack copy (zeroes when absent).
    func readMap(_ info: MapInfo, keys: [Expr]) -> Lowered {
        let key = buildKey(info, keys: keys)
        guard case .plain(let storage) = info.value else {
            return .scalar(readMapScalar(info, key: key))
        }
        if isScalarStorage(storage) { return .scalar(readMapScalar(info, key: key)) }
        let pointer = lookup(info.name, key: key)
        let copy = stackBuffer(size: info.valueSize)
        if storage.isStructure, info.valueSize > 256 {
            // A large struct in one helper call, which also leaves zeros when the key is absent
            // (a failed read clears its buffer), instead of a store and a load per word.
            ir.helper(
                .probeReadKernel, [copy, LLVMConstInt(ir.i32, UInt64(info.valueSize), 0), ir.cast(pointer, to: ir.bytePointer)])
            return .buffer(copy)
        }
        ir.memset(copy, size: info.valueSize)
        let found = ir.block("map.found")
        let done = ir.block("map.done")
        LLVMBuildCondBr(ir.builder, ir.isNonZero(pointer), found, done)
        ir.position(at: found)
        ir.memcpy(copy, pointer, size: info.valueSize, alignment: 8)
        ir.branch(to: done)
        ir.position(at: done)
        return .buffer(copy)
    }

    /// `@m[k] = count()/sum(v)/...` on a per-CPU map: update this CPU's slot in place, or
    /// create it. A keyless map is a one-slot per-CPU array, which always has its slot.
    ///
    /// Creating with BPF_ANY is race-free on per-CPU hashes: if another CPU created the key
    /// first, the update writes only this CPU's slot of the existing element. A full map
    /// refuses new keys; user space reports full maps after reading them.
    func updateAggregation(_ info: MapInfo, aggregation: Aggregation, keys: [Expr], arguments: [Expr]) {
        if case .tseries(let spec) = aggregation {
            updateTimeSeries(info, spec: spec, keys: keys, arguments: arguments)
            return
        }
        let argument = arguments.first.map { scalar($0) } ?? ir.const64(UInt64(0))
        var bucket: LLVMValueRef? = nil
        switch aggregation {
        case .hist: bucket = log2Bucket(argument)
        case .lhist(let low, let high, let step): bucket = linearBucket(argument, min: low, max: high, step: step)
        default: break
        }
        let key = buildKey(info, keys: keys, bucket: bucket)
        let signed = arguments.first.map { type(of: $0).isSigned } ?? false

        let existing = ir.block("agg.existing")
        let done = ir.block("agg.done")
        let pointer = lookup(info.name, key: key)
        if info.isArray {
            LLVMBuildCondBr(ir.builder, ir.isNonZero(pointer), existing, done)
        } else {
            let insert = ir.block("agg.insert")
            LLVMBuildCondBr(ir.builder, ir.isNonZero(pointer), existing, insert)
            ir.position(at: insert)
            let initial: LLVMValueRef
            if info.newSlotsHoldOne, let constants = mapIDs[InternalMap.constants] {
                initial = ir.mapValuePointer(id: constants, offset: ConstantsMap.one)
            } else {
                initial = stackBuffer(size: info.valueSize)
                if info.valueSize > 8 { ir.memset(initial, size: info.valueSize) }
                combine(aggregation, into: initial, argument: argument, signed: signed, fresh: true)
            }
            let result = ir.helper(.mapUpdate, [mapPointer(info.name), key, initial, ir.const64(UInt64(0))])  // BPF_ANY
            warnIfFull(info.name, result)
            ir.branch(to: done)
        }
        ir.position(at: existing)
        combine(aggregation, into: pointer, argument: argument, signed: signed)
        ir.branch(to: done)
        ir.position(at: done)
    }

    /// Folds one value into an aggregation slot.
    private func combine(
        _ aggregation: Aggregation, into slot: LLVMValueRef, argument: LLVMValueRef, signed: Bool, fresh: Bool = false
    ) {
        let b = ir.builder
        if fresh {
            // A new slot: write the first value instead of folding into zeroes.
            switch aggregation {
            case .count, .hist, .lhist:
                ir.store(ir.const64(UInt64(1)), to: slot, alignment: 8)
                return
            case .sum:
                ir.store(argument, to: slot, alignment: 8)
                return
            case .avg, .stats:
                ir.store(argument, to: slot, alignment: 8)
                ir.store(ir.const64(UInt64(1)), to: ir.offset(slot, 8), alignment: 8)
                return
            case .min, .max:
                ir.store(argument, to: slot, alignment: 8)
                ir.store(ir.const64(UInt64(1)), to: ir.offset(slot, 8), alignment: 8)
                return
            case .tseries:
                return  // updateTimeSeries
            }
        }
        switch aggregation {
        case .tseries:
            break  // updateTimeSeries
        case .count, .hist, .lhist:
            let current = ir.load(ir.i64, from: slot, alignment: 8)
            ir.store(LLVMBuildAdd(b, current, ir.const64(UInt64(1)), "")!, to: slot, alignment: 8)
        case .sum:
            let current = ir.load(ir.i64, from: slot, alignment: 8)
            ir.store(LLVMBuildAdd(b, current, argument, "")!, to: slot, alignment: 8)
        case .avg, .stats:
            let total = ir.load(ir.i64, from: slot, alignment: 8)
            ir.store(LLVMBuildAdd(b, total, argument, "")!, to: slot, alignment: 8)
            let countSlot = ir.offset(slot, 8)
            let count = ir.load(ir.i64, from: countSlot, alignment: 8)
            ir.store(LLVMBuildAdd(b, count, ir.const64(UInt64(1)), "")!, to: countSlot, alignment: 8)
        case .min, .max:
            // Slot layout: (value, has-value flag).
            let current = ir.load(ir.i64, from: slot, alignment: 8)
            let hasValue = ir.isNonZero(ir.load(ir.i64, from: ir.offset(slot, 8), alignment: 8))
            let predicate: LLVMIntPredicate =
                aggregation == .min ? (signed ? LLVMIntSLT : LLVMIntULT) : (signed ? LLVMIntSGT : LLVMIntUGT)
            let better = LLVMBuildICmp(b, predicate, argument, current, "")!
            let replace = LLVMBuildOr(b, better, LLVMBuildNot(b, hasValue, "")!, "")!
            ir.store(LLVMBuildSelect(b, replace, argument, current, "")!, to: slot, alignment: 8)
            ir.store(ir.const64(UInt64(1)), to: ir.offset(slot, 8), alignment: 8)
        }
    }

    /// bpftrace's log2 bucket: 0 for negatives, 1 for zero, floor(log2(n)) + 2 otherwise.
    ///
    /// Written as a chain of "shift right by 32, 16, ... while anything is left" branches:
    /// BPF has no conditional moves, so this is about 5 instructions a step where selects
    /// would cost twice that.
    func log2Bucket(_ value: LLVMValueRef) -> LLVMValueRef {
        let b = ir.builder
        let result = stackBuffer(size: 8)
        let rest = stackBuffer(size: 8)
        ir.store(ir.const64(UInt64(0)), to: result, alignment: 8)
        let done = ir.block("log2.done")
        let nonNegative = ir.block("log2.nonnegative")
        LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntSLT, value, ir.const64(UInt64(0)), ""), done, nonNegative)
        ir.position(at: nonNegative)
        ir.store(ir.const64(UInt64(1)), to: result, alignment: 8)
        let positive = ir.block("log2.positive")
        LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntEQ, value, ir.const64(UInt64(0)), ""), done, positive)
        ir.position(at: positive)
        ir.store(ir.const64(UInt64(2)), to: result, alignment: 8)
        ir.store(value, to: rest, alignment: 8)
        for shift in [32, 16, 8, 4, 2, 1] {
            let current = ir.load(ir.i64, from: rest, alignment: 8)
            let shifted = LLVMBuildLShr(b, current, ir.const64(UInt64(shift)), "")!
            let take = ir.block("log2.take"), next = ir.block("log2.next")
            LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntNE, shifted, ir.const64(UInt64(0)), ""), take, next)
            ir.position(at: take)
            ir.store(shifted, to: rest, alignment: 8)
            ir.store(
                LLVMBuildAdd(b, ir.load(ir.i64, from: result, alignment: 8), ir.const64(UInt64(shift)), "")!,
                to: result, alignment: 8)
            ir.branch(to: next)
            ir.position(at: next)
        }
        ir.branch(to: done)
        ir.position(at: done)
        return ir.load(ir.i64, from: result, alignment: 8)
    }

    /// bpftrace's linear bucket: 0 below min, (max-min)/step + 1 at or above max.
    func linearBucket(_ value: LLVMValueRef, min low: Int64, max high: Int64, step: Int64) -> LLVMValueRef {
        let b = ir.builder
        let below = LLVMBuildICmp(b, LLVMIntSLT, value, ir.const64(low), "")!
        let above = LLVMBuildICmp(b, LLVMIntSGE, value, ir.const64(high), "")!
        // Unsigned: BPF (v2) has no signed division, and below-min values are selected away.
        let inRange = LLVMBuildAdd(
            b, LLVMBuildUDiv(b, LLVMBuildSub(b, value, ir.const64(low), "")!, ir.const64(step), "")!,
            ir.const64(UInt64(1)), "")!
        let last = ir.const64((high - low) / step + 1)
        let notBelow = LLVMBuildSelect(b, above, last, inRange, "")!
        return LLVMBuildSelect(b, below, ir.const64(UInt64(0)), notBelow, "")!
    }
}
