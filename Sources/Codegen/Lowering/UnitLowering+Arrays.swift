import CLLVM
import Language

/// Arrays of integers (`int x[4]` of a struct, `(int8[])"hi"`): values are buffers holding
/// the elements packed as C lays them out; an array still in kernel or user memory (a struct
/// member) is indexed there, reading only the element asked for.
extension UnitLowering {
    /// The address in probed memory of an array expression that has not been copied yet: a
    /// struct member, or an element of such an array that is itself an array.
    func residentAddress(of expr: Expr) -> LLVMValueRef? {
        switch expr.kind {
        case .field(let base, _, _):
            guard let member = unit.members[expr.id], case .array = member.kind else { return nil }
            return LLVMBuildAdd(ir.builder, scalar(base), ir.const64(member.offset), "")
        case .index(let base, let index):
            guard case .array(let element, _) = type(of: base), element.isArray,
                let start = residentAddress(of: base)
            else { return nil }
            return LLVMBuildAdd(
                ir.builder, start,
                LLVMBuildMul(ir.builder, scalar(index), ir.const64(UInt64(element.packedSize)), "")!, "")
        default:
            return nil
        }
    }

    /// `array[i]`: the element, read from memory when the array is still there, else from its
    /// buffer (an index known only at run time is bounded first, which the verifier requires;
    /// past the end it reads 0).
    func arrayElement(of base: Expr, at index: Expr, element: SType, count: Int, _ expr: Expr) -> Lowered {
        let b = ir.builder
        let warning = unit.formatIDs[SemanticAnalyzer.boundsCheckID(of: expr.id)]
        if let start = residentAddress(of: base) {
            if let warning {
                let outside = ir.block("array.outside"), inside = ir.block("array.read")
                LLVMBuildCondBr(
                    b, LLVMBuildICmp(b, LLVMIntUGE, scalar(index), ir.const64(UInt64(count)), "")!, outside, inside)
                ir.position(at: outside)
                emitEvent(kind: UInt64(warning))
                ir.branch(to: inside)
                ir.position(at: inside)
            }
            let address = LLVMBuildAdd(
                b, start, LLVMBuildMul(b, scalar(index), ir.const64(UInt64(element.packedSize)), "")!, "")!
            return readArrayPart(element, at: address)
        }
        guard case .buffer(let buffer) = lower(base) else { return .scalar(ir.const64(UInt64(0))) }
        let stride = element.packedSize
        let slot = stackBuffer(size: max(8, element.storageSize))
        ir.memset(slot, size: max(8, element.storageSize))
        if let constant = index.constantIndex {
            if constant < count { copyElement(element, from: ir.offset(buffer, constant * stride), to: slot) }
            return read(element, at: slot)
        }
        let position = scalar(index)
        let inside = LLVMBuildICmp(b, LLVMIntULT, position, ir.const64(UInt64(count)), "")!
        let copy = ir.block("array.inside"), done = ir.block("array.done")
        if let warning {
            let outside = ir.block("array.outside")
            LLVMBuildCondBr(b, inside, copy, outside)
            ir.position(at: outside)
            emitEvent(kind: UInt64(warning))
            ir.branch(to: done)
        } else {
            LLVMBuildCondBr(b, inside, copy, done)
        }
        ir.position(at: copy)
        var offsets: [LLVMValueRef?] = [LLVMBuildMul(b, position, ir.const64(UInt64(stride)), "")]
        let address = LLVMBuildInBoundsGEP2(b, ir.i8, ir.cast(buffer, to: ir.bytePointer), &offsets, 1, "")!
        copyElement(element, from: address, to: slot)
        ir.branch(to: done)
        ir.position(at: done)
        return read(element, at: slot)
    }

    /// An element (or a whole array) at `address` in probed memory.
    func readArrayPart(_ type: SType, at address: LLVMValueRef) -> Lowered {
        if case .int(let bytes, let signed) = type { return .scalar(probeRead(address: address, bytes: bytes, signed: signed)) }
        if !type.isArray { return .scalar(probeRead(address: address, bytes: 8, signed: false)) }
        let slot = stackBuffer(size: max(8, type.storageSize))
        ir.memset(slot, size: max(8, type.storageSize))
        if type.packedSize > 0 {
            let pointer = LLVMBuildIntToPtr(ir.builder, address, ir.bytePointer, "")!
            checkRead(
                ir.helper(readHelper, [slot, LLVMConstInt(ir.i32, UInt64(type.packedSize), 0), pointer]),
                helper: readHelper)
        }
        return .buffer(slot)
    }

    /// Copies one element out of an array buffer into `slot`, widened to the 8-byte storage
    /// of an integer (`read` then loads it as every other scalar).
    private func copyElement(_ element: SType, from source: LLVMValueRef, to slot: LLVMValueRef) {
        switch element {
        case .int(let bytes, let signed):
            ir.store(ir.loadInteger(bytes: bytes, signed: signed, from: source), to: slot, alignment: 8)
        case .array, .structure:
            ir.memcpy(slot, source, size: element.packedSize)
        default:
            ir.store(ir.load(ir.i64, from: source, alignment: 1), to: slot, alignment: 8)
        }
    }

    /// `(int8[N])x`: a string's bytes or an integer's, in memory order, as an array.
    func castToArray(_ operand: Expr, _ target: SType) -> Lowered {
        let slot = stackBuffer(size: max(8, target.storageSize))
        ir.memset(slot, size: max(8, target.storageSize))
        let from = type(of: operand)
        if case .string(let size) = from, case .buffer(let text) = lower(operand) {
            ir.memcpy(slot, text, size: min(size, target.packedSize))
        } else if from.isArray, case .buffer(let source) = lower(operand) {
            ir.memcpy(slot, source, size: min(from.packedSize, target.packedSize))
        } else {
            // A little-endian word: its first bytes are the low ones, as in memory.
            let bytes = min(8, target.packedSize)
            let value = scalar(operand)
            let narrow = bytes == 8 ? value : LLVMBuildTrunc(ir.builder, value, ir.intType(bytes: bytes), "")!
            if [1, 2, 4, 8].contains(bytes) {
                ir.store(narrow, to: slot, alignment: 1)
            } else {
                ir.store(value, to: slot, alignment: 8)
            }
        }
        return .buffer(slot)
    }

    /// `array == x` where x is an integer (compared with the array's bytes read as one
    /// integer of its size) or pton()'s 16 bytes of an IPv6 address; 1 or 0.
    func arrayEquals(array: Expr, other: Expr) -> LLVMValueRef {
        let b = ir.builder
        let size = type(of: array).packedSize
        if case .buffer = type(of: other) {
            guard case .buffer(let bytes) = lower(array), case .buffer(let address) = lower(other) else {
                return ir.const64(UInt64(0))
            }
            var difference = ir.const64(UInt64(0))
            for word in 0..<2 {
                let mine = ir.load(ir.i64, from: ir.offset(bytes, word * 8), alignment: 1)
                let theirs = ir.load(ir.i64, from: ir.offset(address, 8 + word * 8), alignment: 8)
                difference = LLVMBuildOr(b, difference, LLVMBuildXor(b, mine, theirs, "")!, "")!
            }
            return ir.boolToI64(LLVMBuildICmp(b, LLVMIntEQ, difference, ir.const64(UInt64(0)), "")!)
        }
        let bytes = [1, 2, 4, 8].first { $0 >= size } ?? 8
        let value = castFromArray(array, to: .int(bytes: bytes, signed: false))
        guard case .scalar(let mine) = value else { return ir.const64(UInt64(0)) }
        let theirs = ir.fit(scalar(other), bytes: bytes, signed: false)
        return ir.boolToI64(LLVMBuildICmp(b, LLVMIntEQ, mine, theirs, "")!)
    }

    /// `(uint32)array`: the array's bytes read as one integer.
    func castFromArray(_ operand: Expr, to target: SType) -> Lowered {
        let from = type(of: operand)
        let bytes: Int
        if case .int(let width, _) = target { bytes = width } else { bytes = 8 }
        if let start = residentAddress(of: operand) {
            return .scalar(probeRead(address: start, bytes: min(bytes, max(1, from.packedSize)), signed: target.isSigned))
        }
        guard case .buffer(let buffer) = lower(operand) else { return .scalar(ir.const64(UInt64(0))) }
        return .scalar(ir.loadInteger(bytes: bytes, signed: target.isSigned, from: buffer))
    }
}
