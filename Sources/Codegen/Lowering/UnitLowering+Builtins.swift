import CLLVM
import Language

extension UnitLowering {
    /// A builtin variable, by its row in `options.variables`.
    func builtin(_ name: String, _ expr: Expr) -> Lowered {
        guard let row = options.variables[name] else {
            // Not a builtin: a named constant the type checker resolved (TASK_RUNNING, an enum).
            return .scalar(ir.const64(unit.constants[expr.id] ?? 0))
        }
        return row.lower(CallLowering(lowering: self, name: name, arguments: [], expression: expr))
    }

    func stackID(user: Bool) -> LLVMValueRef {
        let flags: UInt64 = user ? 256 : 0  // BPF_F_USER_STACK
        let first = ir.helper(.getStackID, [contextPointer, mapPointer(InternalMap.stacks), ir.const64(flags)])
        // A bucket that holds another stack refuses this one (-EEXIST), and in a long session the
        // session-wide map fills with old stacks; the stack firing now matters more, so it takes
        // the bucket (BPF_F_REUSE_STACKID) instead of being lost as "[no stack]".
        let refusedBlock = LLVMGetInsertBlock(ir.builder)
        let retry = ir.block("stack_retry")
        let done = ir.block("stack_done")
        let refused = LLVMBuildICmp(ir.builder, LLVMIntSLT, first, ir.const64(0), "")
        LLVMBuildCondBr(ir.builder, refused, retry, done)
        ir.position(at: retry)
        let second = ir.helper(
            .getStackID, [contextPointer, mapPointer(InternalMap.stacks), ir.const64(flags | 1024)])
        let retryEnd = LLVMGetInsertBlock(ir.builder)
        ir.branch(to: done)
        ir.position(at: done)
        let id = LLVMBuildPhi(ir.builder, ir.i64, "")!
        var values: [LLVMValueRef?] = [first, second]
        var blocks: [LLVMBasicBlockRef?] = [refusedBlock, retryEnd]
        LLVMAddIncoming(id, &values, &blocks, 2)
        return id
    }

    /// A user stack is (stack id, pid): the pid tells user space which process's mappings
    /// symbolize it.
    func userStack() -> Lowered {
        let slot = stackBuffer(size: SType.ustack(limit: 1).storageSize)
        ir.store(stackID(user: true), to: slot, alignment: 8)
        ir.store(
            LLVMBuildLShr(ir.builder, invariantHelper(.getCurrentPidTgid), ir.const64(UInt64(32)), "")!,
            to: ir.offset(slot, 8), alignment: 8)
        ir.store(ir.const64(UInt64(0)), to: ir.offset(slot, 16), alignment: 8)
        if unit.provider.entersUserFunction {
            // The return address into the caller, on top of the stack at the first instruction
            // (a failed read leaves 0: no frame to insert).
            let pointer = LLVMBuildIntToPtr(ir.builder, register("sp"), ir.bytePointer, "")!
            ir.helper(.probeReadUser, [ir.offset(slot, 16), LLVMConstInt(ir.i32, 8, 0), pointer])
        }
        return .buffer(slot)
    }

    func register(_ name: String) -> LLVMValueRef {
        guard let offset = Builtins.registerOffsets[name] else { return ir.const64(UInt64(0)) }
        return ir.load(ir.i64, from: ir.offset(contextPointer, offset), alignment: 8)
    }

    func argument(_ index: Int) -> LLVMValueRef {
        switch unit.context.layout {
        case .registers, .perfEvent:
            if let usdt = unit.context.usdtArguments { return usdtArgument(index, of: usdt) }
            guard index < Builtins.argumentRegisters.count else { return ir.const64(UInt64(0)) }
            return register(Builtins.argumentRegisters[index])
        case .argumentArray:
            return ir.load(ir.i64, from: ir.offset(contextPointer, index * 8), alignment: 8)
        default:
            return ir.const64(UInt64(0))
        }
    }

    /// `pointer->member`: kernel memory read with probe_read at the member's BTF offset.
    func structMember(_ member: ContextField, of base: LLVMValueRef) -> Lowered {
        let address = LLVMBuildAdd(ir.builder, base, ir.const64(member.offset), "")!
        if let bitfield = member.bitfield, case .integer(let signed) = member.kind {
            return .scalar(readBitfield(bitfield, at: address, signed: signed))
        }
        switch member.kind {
        case .integer(let signed):
            return .scalar(probeRead(address: address, bytes: min(8, member.size), signed: signed))
        case .pointer, .opaque, .dataLocString:
            return .scalar(probeRead(address: address, bytes: min(8, max(1, member.size)), signed: false))
        case .record:
            return .scalar(address)
        case .array(let type):
            return readArrayPart(type, at: address)
        case .charArray(let length):
            let slot = stackBuffer(size: length)
            ir.memset(slot, size: (length + 7) / 8 * 8)
            ir.helper(
                readHelper,
                [
                    slot, LLVMConstInt(ir.i32, UInt64(length), 0),
                    LLVMBuildIntToPtr(ir.builder, address, ir.bytePointer, "")!,
                ])
            return .buffer(slot)
        }
    }

    /// `args.NAME`: a tracepoint record field, or a named argument of an argument array.
    func contextField(_ name: String) -> Lowered {
        guard let field = unit.context.fields.first(where: { $0.name == name }) else {
            return .scalar(ir.const64(UInt64(0)))
        }
        let address = ir.offset(contextPointer, field.offset)
        switch field.kind {
        case .integer(let signed):
            if unit.context.layout == .argumentArray {
                return .scalar(ir.fit(ir.load(ir.i64, from: address, alignment: 8), bytes: field.size, signed: signed))
            }
            return .scalar(ir.loadInteger(bytes: min(8, field.size), signed: signed, from: address))
        case .pointer, .opaque, .record:
            if field.size >= 8 || unit.context.layout == .argumentArray {
                return .scalar(ir.load(ir.i64, from: address, alignment: 8))
            }
            return .scalar(ir.loadInteger(bytes: field.size, signed: false, from: address))
        case .charArray(let length):
            let slot = stackBuffer(size: length)
            ir.memset(slot, size: (length + 7) / 8 * 8)
            ir.helper(.probeReadKernel, [slot, LLVMConstInt(ir.i32, UInt64(length), 0), address])
            return .buffer(slot)
        case .array(let type):
            let slot = stackBuffer(size: max(8, type.storageSize))
            ir.memset(slot, size: max(8, type.storageSize))
            ir.helper(.probeReadKernel, [slot, LLVMConstInt(ir.i32, UInt64(type.packedSize), 0), address])
            return .buffer(slot)
        case .dataLocString:
            let location = ir.loadInteger(bytes: 4, signed: false, from: address)
            let start = LLVMBuildAnd(ir.builder, location, ir.const64(UInt64(0xFFFF)), "")!
            var index: [LLVMValueRef?] = [start]
            let pointer = LLVMBuildInBoundsGEP2(
                ir.builder, ir.i8, ir.cast(contextPointer, to: ir.bytePointer), &index, 1, "")!
            let size = Builtins.defaultStringSize
            let slot = stackBuffer(size: size)
            ir.memset(slot, size: size)
            ir.helper(.probeReadKernelStr, [slot, LLVMConstInt(ir.i32, UInt64(size), 0), pointer])
            return .buffer(slot)
        }
    }

    /// A bitfield's value: its bytes read into a zeroed word (little-endian, so they land in
    /// its low bytes), shifted down and masked; a signed one is sign-extended from its top bit,
    /// as C reads it.
    func readBitfield(_ bitfield: Bitfield, at address: LLVMValueRef, signed: Bool) -> LLVMValueRef {
        let b = ir.builder
        let slot = stackBuffer(size: 8)
        ir.store(ir.const64(UInt64(0)), to: slot, alignment: 8)
        let pointer = LLVMBuildIntToPtr(b, address, ir.bytePointer, "")!
        checkRead(
            ir.helper(readHelper, [slot, LLVMConstInt(ir.i32, UInt64(bitfield.bytes), 0), pointer]), helper: readHelper)
        return extractBitfield(bitfield, from: ir.load(ir.i64, from: slot, alignment: 8), signed: signed)
    }
}
