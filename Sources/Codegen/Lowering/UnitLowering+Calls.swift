import CLLVM
import Language

extension UnitLowering {
    func call(_ name: String, _ args: [Expr], _ expr: Expr) -> Lowered {
        let b = ir.builder
        switch name {
        case "printf", "cat", "system", "time", "print", "clear", "zero":
            guard let id = unit.formatIDs[expr.id], let format = program.format(id: id) else { return .none }
            let values =
                format.kind == .print && format.argumentTypes.isEmpty
                ? [] : (format.kind == .time ? [] : args.dropFirst(format.kind == .print ? 0 : 1).map { $0 })
            emitEvent(kind: UInt64(id), values: values.map { ($0, type(of: $0)) }, declared: format.argumentTypes)
            return .none
        case "join":
            guard let id = unit.formatIDs[expr.id] else { return .none }
            emitJoin(kind: UInt64(id), array: args[0])
            return .none
        case "exit":
            guard let id = unit.formatIDs[expr.id] else { return .none }
            let code = args.first.map { scalar($0) } ?? ir.const64(UInt64(0))
            emitEvent(kind: UInt64(id), scalars: [code])
            return .none
        case "signal":
            ir.helper(.sendSignal, [LLVMConstInt(ir.i32, unit.constants[expr.id] ?? 0, 0)])
            return .none
        case "str":
            let t = type(of: expr)
            if case .positional(let n) = args[0].kind {
                let text = n >= 1 && n <= options.positionalParameters.count ? options.positionalParameters[n - 1] : ""
                return .buffer(constantString(text, size: t.storageSize))
            }
            if case .string = type(of: args[0]) {
                let copy = stackBuffer(size: t.storageSize)
                ir.memset(copy, size: t.storageSize)
                write(lower(args[0]), from: type(of: args[0]), to: t, at: copy)
                return .buffer(copy)
            }
            let address = scalar(args[0])
            let size = t.storageSize
            let slot = stackBuffer(size: size)
            ir.memset(slot, size: size)
            guard case .string(let limit) = t else { return .buffer(slot) }
            let pointer = LLVMBuildIntToPtr(b, address, ir.bytePointer, "")!
            ir.helper(readStringHelper, [slot, LLVMConstInt(ir.i32, UInt64(limit), 0), pointer])
            return .buffer(slot)
        case "ksym", "kaddr", "uptr", "kptr", "reg":
            if name == "reg", case .string(let register) = args[0].kind { return .scalar(self.register(register)) }
            if name == "kaddr" { return .scalar(ir.const64(unit.constants[expr.id] ?? 0)) }
            return .scalar(scalar(args[0]))
        case "usym":
            let slot = stackBuffer(size: 16)
            ir.store(scalar(args[0]), to: slot, alignment: 8)
            ir.store(
                LLVMBuildLShr(b, invariantHelper(.getCurrentPidTgid), ir.const64(UInt64(32)), "")!,
                to: ir.offset(slot, 8), alignment: 8)
            return .buffer(slot)
        case "ntop":
            let slot = stackBuffer(size: 24)
            ir.memset(slot, size: 24)
            let family = args.count == 2 ? scalar(args[0]) : ir.const64(UInt64(2))
            let address = args.count == 2 ? args[1] : args[0]
            ir.store(family, to: slot, alignment: 8)
            switch type(of: address) {
            case .string(let size):
                if case .buffer(let source) = lower(address) {
                    ir.memcpy(ir.offset(slot, 8), source, size: min(16, size))
                }
            default:
                ir.store(LLVMBuildTrunc(b, scalar(address), ir.i32, "")!, to: ir.offset(slot, 8), alignment: 4)
            }
            return .buffer(slot)
        case "strncmp":
            guard case .integer(let n) = args[2].kind else { return .scalar(ir.const64(UInt64(1))) }
            let equal = stringsEqual(args[0], args[1], limit: Int(n))
            return .scalar(LLVMBuildXor(b, equal, ir.const64(UInt64(1)), ""))
        case "delete":
            guard case .map(let mapName, var keys) = args[0].kind, let info = program.map(named: mapName) else {
                return .none
            }
            if args.count == 2 { keys = [args[1]] }
            if case .aggregation(let a, _) = info.value, a.addsBucketKey {
                // A histogram key is spread over buckets; deleting one user key is done by
                // user space (`clear` semantics for that key) — not supported in-kernel.
                return .none
            }
            ir.helper(.mapDelete, [mapPointer(mapName), buildKey(info, keys: keys)])
            return .none
        case "kstack":
            return .scalar(stackID(user: false))
        case "ustack":
            return userStack()
        case "sizeof":
            return .scalar(ir.const64(unit.constants[expr.id] ?? 8))
        default:
            return .scalar(ir.const64(UInt64(0)))
        }
    }

    /// Sends one record to user space through the ring buffer: the kind, then each value in
    /// its storage layout. A refused record is counted as lost, never dropped silently.
    func emitEvent(kind: UInt64, values: [(Expr, SType)] = [], declared: [SType] = [], scalars: [LLVMValueRef] = []) {
        let layout = declared.isEmpty ? values.map(\.1) : declared
        let size = 8 + layout.reduce(0) { $0 + $1.storageSize } + scalars.count * 8
        // Arguments are evaluated straight into the event (stack or scratch map): no
        // expression needs the scratch map itself (join() is a statement).
        withEventBuffer(size: size, zeroed: layout.contains(where: { !isScalarStorage($0) })) { buffer in
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
