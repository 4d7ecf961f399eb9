import CLLVM
import Language

/// Struct values (`SType.structure`): `*p` reads the struct's bytes with one probe-read into a
/// buffer (on the stack, or in the scratch map past `on_stack_limit`), or straight into the
/// event or map value being built; a member of `*p` is still read through `p` alone, and a
/// member of a copy (`$s.x`) from the copy.
extension UnitLowering {
    /// `*p` of a struct: the whole struct, read into a buffer of its own.
    func structureValue(_ operand: Expr, _ type: CStructType) -> Lowered {
        let slot = stackBuffer(size: SType.structure(type).storageSize)
        readStructure(type, from: operand, into: slot)
        return .buffer(slot)
    }

    /// Reads `*operand` into `destination` (laid out as `.structure(type)`): the struct's
    /// bytes, then zeros up to its 8-byte storage so map keys compare whole. A failed read
    /// leaves zeros, as the helper clears its buffer.
    func readStructure(_ type: CStructType, from operand: Expr, into destination: LLVMValueRef) {
        // `*&$s` reads the program's own stack, wherever the probe's pointers lead.
        var helper = readHelper
        if case .unary("&", _) = operand.kind { helper = .probeReadKernel }
        let pointer = LLVMBuildIntToPtr(ir.builder, scalar(operand), ir.bytePointer, "")!
        if type.size > 0 {
            checkRead(
                ir.helper(helper, [destination, LLVMConstInt(ir.i32, UInt64(type.size), 0), pointer]), helper: helper)
        }
        let storage = SType.structure(type).storageSize
        for index in type.size..<storage {
            ir.store(LLVMConstInt(ir.i8, 0, 0), to: ir.offset(destination, index), alignment: 1)
        }
    }

    /// Where a struct-valued expression lies in probed memory when it was not copied: `*p`,
    /// and an embedded struct of one (`(*p).inner`). Nil for copies (variables, map values).
    func structureAddress(of expr: Expr) -> LLVMValueRef? {
        guard type(of: expr).isStructure else { return nil }
        switch expr.kind {
        case .unary("*", let operand):
            if case .unary("&", _) = operand.kind { return nil }
            return scalar(operand)
        case .field(let base, _, _):
            guard let member = unit.members[expr.id] else { return nil }
            // `p->inner`: the embedded struct lies in memory at its offset from `p`.
            let address = type(of: base).isStructure ? structureAddress(of: base) : scalar(base)
            guard let address else { return nil }
            return LLVMBuildAdd(ir.builder, address, ir.const64(member.offset), "")!
        case .index(let base, let index):
            guard case .structure(let element) = type(of: expr), type(of: base).isPointer else { return nil }
            return structureElementAddress(base, index, element)
        default:
            return nil
        }
    }

    /// `p[i]` of a struct pointer: `p` moved by `i` whole structs.
    func structureElementAddress(_ base: Expr, _ index: Expr, _ element: CStructType) -> LLVMValueRef {
        let offset = LLVMBuildMul(ir.builder, scalar(index), ir.const64(UInt64(element.size)), "")!
        return LLVMBuildAdd(ir.builder, scalar(base), offset, "")!
    }

    /// `s.name` of a struct value: read through the pointer the struct came from when there
    /// is one (no copy of the rest), otherwise from the copy.
    func structureField(of base: Expr, _ member: ContextField, _ expr: Expr) -> Lowered {
        let result = type(of: expr)
        if let address = structureAddress(of: base) {
            let start = LLVMBuildAdd(ir.builder, address, ir.const64(member.offset), "")!
            if case .array(.structure, _) = result { return readArrayPart(result, at: start) }
            guard case .structure(let nested) = result else { return structMember(member, of: address) }
            return copyStructure(nested, at: start)
        }
        guard case .buffer(let copy) = lower(base) else { return .scalar(ir.const64(UInt64(0))) }
        return localMember(member, result, in: copy)
    }

    /// The struct at `address` in probed memory, read into a buffer of its own.
    func copyStructure(_ type: CStructType, at address: LLVMValueRef) -> Lowered {
        let storage = SType.structure(type).storageSize
        let slot = stackBuffer(size: storage)
        let pointer = LLVMBuildIntToPtr(ir.builder, address, ir.bytePointer, "")!
        if type.size > 0 {
            checkRead(
                ir.helper(readHelper, [slot, LLVMConstInt(ir.i32, UInt64(type.size), 0), pointer]), helper: readHelper)
        }
        for index in type.size..<storage {
            ir.store(LLVMConstInt(ir.i8, 0, 0), to: ir.offset(slot, index), alignment: 1)
        }
        return .buffer(slot)
    }

    /// A member of a struct held in a buffer of the program: loaded where it lies, or copied
    /// to a buffer of its own when it does not start on 8 bytes (buffers are read 8 bytes at a
    /// time).
    private func localMember(_ member: ContextField, _ type: SType, in copy: LLVMValueRef) -> Lowered {
        let at = ir.offset(copy, member.offset)
        if let bitfield = member.bitfield, case .integer(let signed) = member.kind {
            let word = stackBuffer(size: 8)
            ir.store(ir.const64(UInt64(0)), to: word, alignment: 8)
            ir.memcpy(word, at, size: bitfield.bytes, alignment: 1)
            return .scalar(extractBitfield(bitfield, from: ir.load(ir.i64, from: word, alignment: 8), signed: signed))
        }
        let alignment = UInt32(member.offset == 0 ? 8 : min(8, member.offset & -member.offset))
        switch type {
        case .int(let bytes, let signed):
            let value = ir.load(ir.intType(bytes: bytes), from: at, alignment: min(alignment, UInt32(bytes)))
            return .scalar(ir.extend(value, signed: signed))
        case .bool:
            return .scalar(ir.extend(ir.load(ir.i8, from: at, alignment: 1), signed: false))
        case .pointer:
            if isPointerMember(member) { return .scalar(ir.load(ir.i64, from: at, alignment: alignment)) }
            // An array of structs inside the copy: its first element's address.
            return .scalar(LLVMBuildPtrToInt(ir.builder, at, ir.i64, "")!)
        case .string, .array, .structure:
            if alignment == 8 { return .buffer(at) }
            let slot = stackBuffer(size: max(8, type.storageSize))
            ir.memset(slot, size: max(8, type.storageSize))
            ir.memcpy(slot, at, size: type.packedSize, alignment: 1)
            return .buffer(slot)
        default:
            return .scalar(ir.const64(UInt64(0)))
        }
    }

    private func isPointerMember(_ member: ContextField) -> Bool {
        if case .pointer = member.kind { return true }
        return false
    }

    /// `width` bits from bit `shift` of a little-endian word: shifted down and masked, or
    /// sign-extended from the field's top bit.
    func extractBitfield(_ bitfield: Bitfield, from word: LLVMValueRef, signed: Bool) -> LLVMValueRef {
        let b = ir.builder
        let unused = 64 - bitfield.width
        if signed {
            let top = LLVMBuildShl(b, word, ir.const64(UInt64(unused - bitfield.shift)), "")!
            return LLVMBuildAShr(b, top, ir.const64(UInt64(unused)), "")!
        }
        let shifted = LLVMBuildLShr(b, word, ir.const64(UInt64(bitfield.shift)), "")!
        if bitfield.width == 64 { return shifted }
        return LLVMBuildAnd(b, shifted, ir.const64((UInt64(1) << UInt64(bitfield.width)) - 1), "")!
    }

    /// `args` as a value: a record of every named field, each read as `args.NAME` reads it.
    func argumentsRecord(_ expr: Expr) -> Lowered {
        let recordType = type(of: expr)
        guard case .record = recordType else { return .none }
        let slot = stackBuffer(size: recordType.storageSize)
        if !Self.fillsSlots(recordType) { ir.memset(slot, size: recordType.storageSize) }
        writeArgumentsRecord(recordType, at: slot)
        return .buffer(slot)
    }

    /// Whether writing each field of a record fills its slot whole: a string whose size is
    /// not a multiple of 8 leaves the rest of its slot as it was.
    static func fillsSlots(_ record: SType) -> Bool {
        guard case .record(_, let types) = record else { return false }
        return types.allSatisfy { if case .string(let size) = $0 { return size % 8 == 0 } else { return true } }
    }

    /// Writes every field of `args` into `destination`, laid out as `record`.
    func writeArgumentsRecord(_ record: SType, at destination: LLVMValueRef) {
        guard case .record(let names, let types) = record else { return }
        var offset = 0
        for (name, fieldType) in zip(names, types) {
            write(contextField(name), from: fieldType, to: fieldType, at: ir.offset(destination, offset))
            offset += fieldType.storageSize
        }
    }
}
