import CLLVM
import Language

/// `for ($kv : @m) { ... }`: the body becomes a callback of `bpf_for_each_map_elem`, a
/// function of its own in the probe's section (the loader turns its address into a
/// `BPF_PSEUDO_FUNC` reference and describes both functions in BTF, as the kernel requires).
///
/// The callback reaches the probe's variables through a frame on the caller's stack: the
/// probe context, a "return from the probe" flag, then a pointer to every variable, so the
/// body reads and updates them in place as bpftrace's loops do.
extension UnitLowering {
    static let frameHeader = 16

    func lowerForMap(variable: String, map: Expr, body: [Stmt]) {
        guard case .map(let name, _) = map.kind, let info = program.map(named: name), variables[variable] != nil,
            case .tuple(let parts) = type(of: map), parts.count == 2
        else { return }
        let names = frameVariableNames(loopVariable: variable, body: body)
        let frame = loopFrame(names: names)
        let callback = forMapCallback(variable: variable, info: info, value: parts[1], names: names, body: body)
        ir.helper(.forEachMapElem, [mapPointer(name), callback, frame, ir.const64(UInt64(0))])
        returnIfLoopReturned(frame)
    }

    /// Builds `long callback(map, key, value, frame)`: 0 goes on to the next element, 1 stops.
    private func forMapCallback(
        variable: String, info: MapInfo, value: SType, names: [String], body: [Stmt]
    ) -> LLVMValueRef {
        loopCallback(parameters: 4, frameParameter: 3, names: names, body: body) { callback in
            let key = LLVMGetParam(callback, 1)!
            let mapValue = LLVMGetParam(callback, 2)!
            let element = self.variables[variable]!
            self.ir.memcpy(element, key, size: info.keySize, alignment: 8)
            let valueSlot = self.ir.offset(element, info.keySize)
            if info.isPerCPU {
                self.ir.store(self.sumOverCPUs(info, key: element), to: valueSlot, alignment: 8)
            } else {
                self.ir.memcpy(valueSlot, mapValue, size: value.storageSize, alignment: 8)
            }
        }
    }

    /// Builds a loop helper's callback, a function of its own whose parameter `frameParameter`
    /// is the caller's frame (see `lowerForMap`): `prepare` sets the loop variable from the
    /// other parameters, then the body runs. It returns 0 to go on, 1 to stop (`break`), and
    /// 1 with the frame's flag set for `return`.
    func loopCallback(
        parameters count: Int, frameParameter: Int, names: [String], body: [Stmt],
        prepare: (LLVMValueRef) -> Void
    ) -> LLVMValueRef {
        let saved = (
            function, contextPointer, allocaBlock, variables, loops, returnBlock, entryValues, freeSlots, scopes,
            LLVMGetInsertBlock(ir.builder)!
        )
        let savedScratch = (scratchBase, freeScratchSlots, currentFunctionName, currentStatement)
        callbackCount += 1
        var parameters: [LLVMTypeRef?] = Array(repeating: ir.bytePointer, count: count)
        let type = LLVMFunctionType(ir.i64, &parameters, UInt32(count), 0)
        let callback = LLVMAddFunction(ir.module, "\(functionName)_for\(callbackCount)", type)!
        LLVMSetSection(callback, section)
        LLVMSetLinkage(callback, LLVMInternalLinkage)
        let nounwind = LLVMGetEnumAttributeKindForName("nounwind", 8)
        LLVMAddAttributeAtIndex(
            callback, LLVMAttributeIndex(bitPattern: Int32(LLVMAttributeFunctionIndex)),
            LLVMCreateEnumAttribute(ir.context, nounwind, 0))
        function = callback
        entryValues = [:]
        freeSlots = [:]
        scopes = []
        scratchBase = nil
        freeScratchSlots = [:]
        currentFunctionName = "\(functionName)_for\(callbackCount)"
        allocaBlock = LLVMAppendBasicBlockInContext(ir.context, callback, "entry")!
        LLVMPositionBuilderAtEnd(allocaBuilder, allocaBlock)
        let start = LLVMAppendBasicBlockInContext(ir.context, callback, "body")!
        let next = LLVMAppendBasicBlockInContext(ir.context, callback, "next")!
        let stop = LLVMAppendBasicBlockInContext(ir.context, callback, "stop")!
        returnBlock = LLVMAppendBasicBlockInContext(ir.context, callback, "return")!
        ir.position(at: start)

        let frame = LLVMGetParam(callback, UInt32(frameParameter))!
        contextPointer = ir.load(ir.bytePointer, from: frame, alignment: 8)
        var inner: [String: LLVMValueRef] = [:]
        for (index, variableName) in names.enumerated() {
            inner[variableName] = ir.load(
                ir.bytePointer, from: ir.offset(frame, Self.frameHeader + 8 * index), alignment: 8)
        }
        for (variableName, offset) in scratchVariables { inner[variableName] = scratchSlot(at: offset) }
        variables = inner
        loops = [(next, stop)]
        prepare(callback)
        lowerBlock(body)
        ir.branch(to: next)

        ir.position(at: next)
        LLVMBuildRet(ir.builder, ir.const64(UInt64(0)))
        ir.position(at: stop)
        LLVMBuildRet(ir.builder, ir.const64(UInt64(1)))
        ir.position(at: returnBlock)
        ir.store(ir.const64(UInt64(1)), to: ir.offset(frame, 8), alignment: 8)
        LLVMBuildRet(ir.builder, ir.const64(UInt64(1)))
        finishEntry(body: start, whenScratchIsMissing: next)

        (function, contextPointer, allocaBlock, variables, loops, returnBlock, entryValues, freeSlots, scopes) = (
            saved.0, saved.1, saved.2, saved.3, saved.4, saved.5, saved.6, saved.7, saved.8
        )
        (scratchBase, freeScratchSlots, currentFunctionName, currentStatement) = savedScratch
        LLVMPositionBuilderAtEnd(allocaBuilder, allocaBlock)
        ir.position(at: saved.9)
        return callback
    }

    /// The frame a loop callback reaches the probe through: the context, the "returned"
    /// flag, then a pointer to every variable (`names`).
    func loopFrame(names: [String], extra: Int = 0) -> LLVMValueRef {
        // On the stack: the loop helpers take their context only from there.
        let frame = stackBuffer(size: Self.frameHeader + 8 * names.count + extra, onStack: true, label: .loopFrame)
        ir.store(contextPointer, to: frame, alignment: 8)
        ir.store(ir.const64(UInt64(0)), to: ir.offset(frame, 8), alignment: 8)
        for (index, variableName) in names.enumerated() {
            ir.store(variables[variableName]!, to: ir.offset(frame, Self.frameHeader + 8 * index), alignment: 8)
        }
        return frame
    }

    /// After a loop helper: a `return` in the body ends the probe.
    func returnIfLoopReturned(_ frame: LLVMValueRef) {
        let returned = ir.load(ir.i64, from: ir.offset(frame, 8), alignment: 8)
        let after = ir.block("for.after")
        LLVMBuildCondBr(ir.builder, ir.isNonZero(returned), returnBlock, after)
        ir.position(at: after)
    }

    /// A count or sum of a per-CPU map: the callback sees only this CPU's slot, so the
    /// element's value is the sum of every CPU's (`bpf_map_lookup_percpu_elem`).
    func sumOverCPUs(_ info: MapInfo, key: LLVMValueRef) -> LLVMValueRef {
        let total = stackBuffer(size: 8)
        let cpu = stackBuffer(size: 8)
        ir.store(ir.const64(UInt64(0)), to: total, alignment: 8)
        ir.store(ir.const64(UInt64(0)), to: cpu, alignment: 8)
        let head = ir.block("cpus.cond")
        let loopBody = ir.block("cpus.body")
        let found = ir.block("cpus.found")
        let step = ir.block("cpus.step")
        let end = ir.block("cpus.end")
        ir.branch(to: head)
        ir.position(at: head)
        let index = ir.load(ir.i64, from: cpu, alignment: 8)
        let more = LLVMBuildICmp(ir.builder, LLVMIntULT, index, ir.const64(UInt64(max(1, options.cpuCount))), "")
        LLVMBuildCondBr(ir.builder, more, loopBody, end)
        ir.position(at: loopBody)
        let result = ir.helper(
            .mapLookupPercpuElem,
            [
                mapPointer(info.name), key,
                LLVMBuildTrunc(ir.builder, ir.load(ir.i64, from: cpu, alignment: 8), ir.i32, "")!,
            ])
        let slot = LLVMBuildIntToPtr(ir.builder, result, ir.bytePointer, "")!
        LLVMBuildCondBr(ir.builder, ir.isNonZero(slot), found, step)
        ir.position(at: found)
        let sum = LLVMBuildAdd(
            ir.builder, ir.load(ir.i64, from: total, alignment: 8), ir.load(ir.i64, from: slot, alignment: 8), "")!
        ir.store(sum, to: total, alignment: 8)
        ir.branch(to: step)
        ir.position(at: step)
        let following = LLVMBuildAdd(ir.builder, ir.load(ir.i64, from: cpu, alignment: 8), ir.const64(UInt64(1)), "")!
        ir.store(following, to: cpu, alignment: 8)
        ir.branch(to: head)
        ir.position(at: end)
        return ir.load(ir.i64, from: total, alignment: 8)
    }
}
