import CLLVM
import Language

extension UnitLowering {
    /// A call, by its row in `options.functions`.
    func call(_ name: String, _ args: [Expr], _ expr: Expr) -> Lowered {
        guard let row = options.functions[name] else { return .scalar(ir.const64(UInt64(0))) }
        return row.lower(CallLowering(lowering: self, name: name, arguments: args, expression: expr))
    }

    /// Sends one record to user space through the ring buffer: the kind, then each value in
    /// its storage layout. A refused record is counted as lost, never dropped silently.
    func emitEvent(kind: UInt64, values: [(Expr, SType)] = [], declared: [SType] = [], scalars: [LLVMValueRef] = []) {
        let layout = declared.isEmpty ? values.map(\.1) : declared
        let size = 8 + layout.reduce(0) { $0 + $1.storageSize } + scalars.count * 8
        // Arguments are evaluated straight into the event (stack or scratch map): no
        // expression needs the scratch map itself (join() is a statement).
        // A part written whole (a struct read straight in) needs no zeroing first: a large
        // struct would otherwise cost a store per word.
        let written = zip(values, layout).filter { value, storage in
            var whole = storage.isStructure
            if case .builtin("args") = value.0.kind { whole = true }
            return whole && fillsCompletely(value.0, storage)
        }.count
        let zeroed = layout.filter { !isScalarStorage($0) }.count > written
        withEventBuffer(size: size, zeroed: zeroed) { buffer in
            ir.store(ir.const64(kind), to: buffer, alignment: 8)
            var offset = 8
            for ((expr, _), to) in zip(values, layout) {
                writeExpression(expr, to: to, at: ir.offset(buffer, offset))
                offset += to.storageSize
            }
            for value in scalars {
                ir.store(value, to: ir.offset(buffer, offset), alignment: 8)
                offset += 8
            }
        }
    }

    /// Provides a buffer for an event and sends it once `fill` has written it. Small events
    /// live on the stack; large ones (join, many strings) in a per-CPU scratch map, since the
    /// BPF stack is only 512 bytes.
    func withEventBuffer(size: Int, zeroed: Bool, fill: (LLVMValueRef) -> Void) {
        if size <= Compiler.stackEventLimit {
            let buffer = stackBuffer(size: size)
            if zeroed { ir.memset(buffer, size: size) }
            fill(buffer)
            send(buffer, size: size)
            return
        }
        if size > Compiler.scratchEventArea {
            // Larger than the event area: a buffer of its own among the scratch locals, so it
            // cannot run into them (or the stack, which reports it).
            let buffer = scratchBuffer(rounded: (size + 7) / 8 * 8) ?? stackBuffer(size: size, onStack: true)
            if zeroed { ir.memset(buffer, size: size) }
            fill(buffer)
            send(buffer, size: size)
            return
        }
        let key = stackBuffer(size: 8)
        ir.store(LLVMConstInt(ir.i32, 0, 0), to: key, alignment: 4)
        let buffer = lookup(InternalMap.scratch, key: key)
        let have = ir.block("scratch.have"), done = ir.block("scratch.done")
        LLVMBuildCondBr(ir.builder, ir.isNonZero(buffer), have, done)
        ir.position(at: have)
        if zeroed { ir.memset(buffer, size: size) }
        fill(buffer)
        send(buffer, size: size)
        ir.branch(to: done)
        ir.position(at: done)
    }

    private func send(_ buffer: LLVMValueRef, size: Int) {
        let result = ir.helper(
            .ringbufOutput, [mapPointer(InternalMap.events), buffer, ir.const64(UInt64(size)), ir.const64(UInt64(0))])
        countFailure(result, in: InternalMap.lostEvents)
    }

    /// `join(argv [, sep])`: up to `Compiler.joinArguments` strings read from a NULL-terminated
    /// array of user pointers, sent as one event; user space joins them.
    func emitJoin(kind: UInt64, array: Expr) {
        let count = Compiler.joinArguments, width = Builtins.defaultStringSize
        let base = scalar(array)
        withEventBuffer(size: 8 + count * width, zeroed: true) { buffer in
            ir.store(ir.const64(kind), to: buffer, alignment: 8)
            let end = ir.block("join.end")
            for index in 0..<count {
                let address = LLVMBuildAdd(ir.builder, base, ir.const64(index * 8), "")!
                let pointer = probeRead(address: address, bytes: 8, signed: false)
                let next = ir.block("join.next")
                LLVMBuildCondBr(ir.builder, ir.isNonZero(pointer), next, end)
                ir.position(at: next)
                let source = LLVMBuildIntToPtr(ir.builder, pointer, ir.bytePointer, "")!
                ir.helper(
                    readStringHelper,
                    [ir.offset(buffer, 8 + index * width), LLVMConstInt(ir.i32, UInt64(width), 0), source])
            }
            ir.branch(to: end)
            ir.position(at: end)
        }
    }
}
