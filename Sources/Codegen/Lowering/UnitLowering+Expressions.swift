import CLLVM
import Language

extension UnitLowering {
    func lower(_ expr: Expr) -> Lowered {
        guard let id = unit.formatIDs[expr.id], isReadErrorSite(id) else { return lowerExpression(expr) }
        let outer = readErrorSite
        readErrorSite = id
        defer { readErrorSite = outer }
        return lowerExpression(expr)
    }

    func isReadErrorSite(_ id: Int) -> Bool {
        guard let call = program.formats.first(where: { $0.id == id }), case .probeReadError = call.action else {
            return false
        }
        return true
    }

    /// After a probe-read helper: under `-k`, a negative result sends the read's place, the
    /// code and the helper to user space, which warns as bpftrace does.
    func checkRead(_ result: LLVMValueRef, helper: BPFHelper) {
        guard let site = readErrorSite else { return }
        let failed = ir.block("read.failed"), done = ir.block("read.done")
        LLVMBuildCondBr(
            ir.builder, LLVMBuildICmp(ir.builder, LLVMIntSLT, result, ir.const64(UInt64(0)), ""), failed, done)
        ir.position(at: failed)
        emitEvent(kind: UInt64(site), scalars: [result, ir.const64(UInt64(helper.rawValue))])
        ir.branch(to: done)
        ir.position(at: done)
    }

    private func lowerExpression(_ expr: Expr) -> Lowered {
        let b = ir.builder
        switch expr.kind {
        case .integer(let v):
            return .scalar(ir.const64(v))
        case .string(let s):
            return .buffer(constantString(s, size: type(of: expr).storageSize))
        case .positional(let n):
            let text = n >= 1 && n <= options.positionalParameters.count ? options.positionalParameters[n - 1] : "0"
            if let value = Int64(text) { return .scalar(ir.const64(value)) }
            return .buffer(constantString(text, size: type(of: expr).storageSize))
        case .positionalCount:
            return .scalar(ir.const64(options.positionalParameters.count))
        case .variable(let name):
            guard let slot = variables[name] else { return .scalar(ir.const64(UInt64(0))) }
            return read(unit.variables[name] ?? .s64, at: slot)
        case .builtin(let name):
            return builtin(name, expr)
        case .map(let name, let keys):
            guard let info = program.map(named: name) else { return .scalar(ir.const64(UInt64(0))) }
            if case .aggregation = info.value {
                return .scalar(readMapScalar(info, key: buildKey(info, keys: keys)))
            }
            return readMap(info, keys: keys)
        case .call(let name, let args):
            return call(name, args, expr)
        case .unary("&", let operand):
            guard case .variable(let name) = operand.kind, let slot = variables[name] else {
                return .scalar(ir.const64(UInt64(0)))
            }
            return .scalar(LLVMBuildPtrToInt(b, slot, ir.i64, "")!)
        case .unary("*", let operand) where type(of: expr).isStructure:
            guard case .structure(let structure) = type(of: expr) else { return .none }
            return structureValue(operand, structure)
        case .unary("*", let operand) where type(of: expr).isPointer && type(of: expr) == type(of: operand):
            // `*p` of a struct pointer is the struct, known by its address (see the type checker).
            return lower(operand)
        case .unary("*", let operand) where !isScalarStorage(type(of: expr)):
            // `*&$t` of a tuple or string: the whole value, read into a buffer.
            let result = type(of: expr)
            let copy = stackBuffer(size: max(8, result.storageSize))
            ir.memset(copy, size: max(8, result.storageSize))
            let pointer = LLVMBuildIntToPtr(b, scalar(operand), ir.bytePointer, "")!
            ir.helper(.probeReadKernel, [copy, LLVMConstInt(ir.i32, UInt64(result.storageSize), 0), pointer])
            return .buffer(copy)
        case .unary(let op, let operand):
            let value = scalar(operand)
            switch op {
            case "!": return .scalar(ir.boolToI64(LLVMBuildICmp(b, LLVMIntEQ, value, ir.const64(UInt64(0)), "")))
            case "~": return .scalar(LLVMBuildNot(b, value, ""))
            case "-": return .scalar(LLVMBuildNeg(b, value, ""))
            case "*":
                let integer = type(of: operand).pointeeInteger ?? (8, false)
                return .scalar(probeRead(address: value, bytes: integer.bytes, signed: integer.signed))
            default: return .scalar(value)
            }
        case .binary(let op, let lhs, let rhs):
            let lt = type(of: lhs), rt = type(of: rhs)
            if case .buffer = lt, case .buffer = rt {
                let equal = buffersEqual(lhs, rhs)
                return .scalar(op == "==" ? equal : LLVMBuildXor(b, equal, ir.const64(UInt64(1)), ""))
            }
            if lt.isArray != rt.isArray {
                let equal = arrayEquals(array: lt.isArray ? lhs : rhs, other: lt.isArray ? rhs : lhs)
                return .scalar(op == "==" ? equal : LLVMBuildXor(b, equal, ir.const64(UInt64(1)), ""))
            }
            if lt.isArray && rt.isArray {
                let equal = buffersEqual(lhs, rhs)
                return .scalar(op == "==" ? equal : LLVMBuildXor(b, equal, ir.const64(UInt64(1)), ""))
            }
            if lt.isString && rt.isString {
                let equal = stringsEqual(lhs, rhs, limit: nil)
                return .scalar(op == "==" ? equal : LLVMBuildXor(b, equal, ir.const64(UInt64(1)), ""))
            }
            if op == "&&" || op == "||" { return .scalar(shortCircuit(op, lhs, rhs)) }
            let signed = lt.isSigned || rt.isSigned
            var l = scalar(lhs), r = scalar(rhs)
            if op == "+" || op == "-", type(of: expr).isPointer {
                // Pointer arithmetic: the integer counts pointees.
                if lt.isPointer { r = scaled(r, by: lt) } else { l = scaled(l, by: rt) }
            }
            if let predicate = comparison(op, signed: signed) {
                return .scalar(ir.boolToI64(LLVMBuildICmp(b, predicate, l, r, "")))
            }
            if (op == "/" || op == "%"), let id = unit.formatIDs[expr.id] {
                return .scalar(checkedDivision(op, l, r, signed: signed, warning: UInt64(id)))
            }
            return .scalar(arithmetic(op, l, r, signed: signed))
        case .ternary(let condition, let then, let otherwise):
            let resultType = type(of: expr)
            let slot = stackBuffer(size: max(8, resultType.storageSize))
            let thenBlock = ir.block("ternary.then"), elseBlock = ir.block("ternary.else"),
                end = ir.block("ternary.end")
            LLVMBuildCondBr(b, ir.isNonZero(scalar(condition)), thenBlock, elseBlock)
            ir.position(at: thenBlock)
            if !isScalarStorage(resultType) { ir.memset(slot, size: resultType.storageSize) }
            write(lower(then), from: type(of: then), to: resultType, at: slot)
            ir.branch(to: end)
            ir.position(at: elseBlock)
            if !isScalarStorage(resultType) { ir.memset(slot, size: resultType.storageSize) }
            write(lower(otherwise), from: type(of: otherwise), to: resultType, at: slot)
            ir.branch(to: end)
            ir.position(at: end)
            return read(resultType, at: slot)
        case .field(let base, let name, _):
            // A field of the config record is a constant of the program.
            if let constant = unit.constants[expr.id] { return .scalar(ir.const64(constant)) }
            if let text = unit.stringConstants[expr.id] {
                return .buffer(constantString(text, size: type(of: expr).storageSize))
            }
            if type(of: base) == .context { return contextField(name) }
            if let member = unit.members[expr.id] {
                if type(of: base).isStructure { return structureField(of: base, member, expr) }
                if case .structure(let embedded) = type(of: expr) {
                    // `p->inner` as a value: the embedded struct, copied.
                    return copyStructure(
                        embedded, at: LLVMBuildAdd(b, scalar(base), ir.const64(member.offset), "")!)
                }
                return structMember(member, of: scalar(base))
            }
            if case .record(let names, let parts) = type(of: base), let index = names.firstIndex(of: name),
                case .buffer(let pointer) = lower(base)
            {
                let offset = parts[..<index].reduce(0) { $0 + $1.storageSize }
                return read(parts[index], at: ir.offset(pointer, offset))
            }
            guard case .tuple(let parts) = type(of: base), let index = Int(name), index < parts.count,
                case .buffer(let pointer) = lower(base)
            else { return .scalar(ir.const64(UInt64(0))) }
            let offset = parts[..<index].reduce(0) { $0 + $1.storageSize }
            return read(parts[index], at: ir.offset(pointer, offset))
        case .index(let base, let index):
            if case .tuple(let parts) = type(of: base) {
                guard let position = index.constantIndex, position < parts.count,
                    case .buffer(let pointer) = lower(base)
                else { return .scalar(ir.const64(UInt64(0))) }
                let offset = parts[..<position].reduce(0) { $0 + $1.storageSize }
                return read(parts[position], at: ir.offset(pointer, offset))
            }
            let baseType = type(of: base)
            if case .array(let element, let count) = baseType {
                return arrayElement(of: base, at: index, element: element, count: count, expr)
            }
            if case .string(let size) = baseType, case .buffer(let text) = lower(base) {
                return .scalar(character(of: text, size: size, at: index))
            }
            if case .structure(let element) = type(of: expr), baseType.isPointer {
                // `$p[i]` of a struct pointer as a value: the element, copied.
                return copyStructure(element, at: structureElementAddress(base, index, element))
            }
            if case .pointer(let pointee) = baseType, type(of: expr) == baseType, let size = program.structSizes[pointee] {
                // An element of an array of structs: its address.
                return .scalar(
                    LLVMBuildAdd(b, scalar(base), LLVMBuildMul(b, scalar(index), ir.const64(UInt64(size)), "")!, "")!)
            }
            let integer = baseType.pointeeInteger ?? (8, false)
            let stride = baseType.isPointer ? baseType.pointeeSize : 8
            let address = LLVMBuildAdd(
                b, scalar(base), LLVMBuildMul(b, scalar(index), ir.const64(UInt64(stride)), "")!, "")!
            return .scalar(probeRead(address: address, bytes: integer.bytes, signed: integer.signed))
        case .cast(_, let operand):
            let target = type(of: expr)
            if target.isArray { return castToArray(operand, target) }
            if type(of: operand).isArray { return castFromArray(operand, to: target) }
            if case .string(let size) = target {
                // (string[N])x: the operand's bytes in a buffer of N, NUL-terminated.
                let copy = stackBuffer(size: target.storageSize)
                ir.memset(copy, size: target.storageSize)
                if type(of: operand).isString {
                    write(lower(operand), from: type(of: operand), to: target, at: copy)
                } else {
                    ir.store(scalar(operand), to: copy, alignment: 8)
                    ir.store(LLVMConstInt(ir.i8, 0, 0), to: ir.offset(copy, size - 1), alignment: 1)
                }
                return .buffer(copy)
            }
            if target == .bool { return .scalar(ir.boolToI64(ir.isNonZero(scalar(operand)))) }
            if target.isPointer, case .int(let bytes, true) = type(of: operand), bytes < 8 {
                // A narrow integer becomes an address by its bits, as bpftrace casts it:
                // `(uint8 *)-1` is 0xff.
                return .scalar(ir.fit(scalar(operand), bytes: bytes, signed: false))
            }
            return .scalar(fitTo(target, scalar(operand)))
        case .record(_, let values):
            // Fields are evaluated in the order written, into the record's own layout.
            let recordType = type(of: expr)
            let slot = stackBuffer(size: recordType.storageSize)
            ir.memset(slot, size: recordType.storageSize)
            var offset = 0
            for value in values {
                let t = type(of: value)
                // Straight into the record where the part allows it (comm, str()): no
                // temporary per part.
                writeExpression(value, to: t, at: ir.offset(slot, offset))
                offset += t.storageSize
            }
            return .buffer(slot)
        case .tuple(let elements):
            let tupleType = type(of: expr)
            let slot = stackBuffer(size: tupleType.storageSize)
            ir.memset(slot, size: tupleType.storageSize)
            var offset = 0
            for element in elements {
                let t = type(of: element)
                writeExpression(element, to: t, at: ir.offset(slot, offset))
                offset += t.storageSize
            }
            return .buffer(slot)
        case .postIncrement(let op, let target), .preIncrement(let op, let target):
            let isPost: Bool
            if case .postIncrement = expr.kind { isPost = true } else { isPost = false }
            // A pointer moves by whole pointees.
            let delta = scaled(ir.const64(op == "++" ? UInt64(1) : UInt64(bitPattern: -1)), by: type(of: expr))
            switch target.kind {
            case .variable(let name):
                guard let slot = variables[name] else { return .none }
                let old = ir.load(ir.i64, from: slot, alignment: 8)
                let new = fitTo(unit.variables[name] ?? .s64, LLVMBuildAdd(b, old, delta, "")!)
                ir.store(new, to: slot, alignment: 8)
                return .scalar(isPost ? old : new)
            case .map(let name, let keys):
                guard let info = program.map(named: name) else { return .none }
                let key = buildKey(info, keys: keys)
                let old = readMapScalar(info, key: key)
                let new = LLVMBuildAdd(b, old, delta, "")!
                let slot = stackBuffer(size: 8)
                ir.store(new, to: slot, alignment: 8)
                updateMap(name, key: key, value: slot)
                return .scalar(isPost ? old : new)
            default:
                return .none
            }
        case .sizeof, .offsetof:
            return .scalar(ir.const64(unit.constants[expr.id] ?? 8))
        case .typeOf:
            return .none
        case .block(let statements, let value):
            lowerBlock(statements)
            return lower(value)
        }
    }

    /// `l / r` or `l % r` where r may be 0: then the result is 1 and user space is told (once
    /// per place), as bpftrace does, instead of the kernel's 0 (or l for a remainder).
    func checkedDivision(_ op: String, _ l: LLVMValueRef, _ r: LLVMValueRef, signed: Bool, warning: UInt64)
        -> LLVMValueRef
    {
        let slot = stackBuffer(size: 8)
        ir.store(ir.const64(UInt64(1)), to: slot, alignment: 8)
        let zero = ir.block("div.zero"), divide = ir.block("div.divide"), done = ir.block("div.done")
        LLVMBuildCondBr(ir.builder, ir.isNonZero(r), divide, zero)
        ir.position(at: zero)
        emitEvent(kind: warning)
        ir.branch(to: done)
        ir.position(at: divide)
        ir.store(arithmetic(op, l, r, signed: signed), to: slot, alignment: 8)
        ir.branch(to: done)
        ir.position(at: done)
        return ir.load(ir.i64, from: slot, alignment: 8)
    }

    /// `text[index]` of a string buffer: the byte, sign-extended, or 0 past the buffer (an
    /// index known only at run time is bounded first, which the verifier requires).
    func character(of text: LLVMValueRef, size: Int, at index: Expr) -> LLVMValueRef {
        let b = ir.builder
        if let constant = index.constantIndex {
            guard constant < size else { return ir.const64(UInt64(0)) }
            return ir.extend(ir.load(ir.i8, from: ir.offset(text, constant), alignment: 1), signed: true)
        }
        let position = scalar(index)
        let inside = LLVMBuildICmp(b, LLVMIntULT, position, ir.const64(UInt64(size)), "")!
        let bounded = LLVMBuildSelect(b, inside, position, ir.const64(UInt64(0)), "")!
        var offsets: [LLVMValueRef?] = [bounded]
        let address = LLVMBuildInBoundsGEP2(b, ir.i8, ir.cast(text, to: ir.bytePointer), &offsets, 1, "")!
        let byte = ir.extend(ir.load(ir.i8, from: address, alignment: 1), signed: true)
        return LLVMBuildSelect(b, inside, byte, ir.const64(UInt64(0)), "")!
    }

    /// `count` pointees of `pointer` in bytes; other types leave it as it is.
    func scaled(_ count: LLVMValueRef, by pointer: SType) -> LLVMValueRef {
        guard case .pointer(let pointee) = pointer else { return count }
        // A struct the program defines has its own size; other pointees are known to the type.
        let size = program.structSizes[pointee] ?? pointer.pointeeSize
        guard size != 1 else { return count }
        return LLVMBuildMul(ir.builder, count, ir.const64(UInt64(size)), "")
    }

    func comparison(_ op: String, signed: Bool) -> LLVMIntPredicate? {
        switch op {
        case "==": return LLVMIntEQ
        case "!=": return LLVMIntNE
        case "<": return signed ? LLVMIntSLT : LLVMIntULT
        case "<=": return signed ? LLVMIntSLE : LLVMIntULE
        case ">": return signed ? LLVMIntSGT : LLVMIntUGT
        case ">=": return signed ? LLVMIntSGE : LLVMIntUGE
        default: return nil
        }
    }

    func arithmetic(_ op: String, _ l: LLVMValueRef, _ r: LLVMValueRef, signed: Bool) -> LLVMValueRef {
        let b = ir.builder
        switch op {
        case "+": return LLVMBuildAdd(b, l, r, "")
        case "-": return LLVMBuildSub(b, l, r, "")
        case "*": return LLVMBuildMul(b, l, r, "")
        // The BPF ISA (v2) has no signed division: divide magnitudes and fix the sign.
        case "/": return signed ? signedDivide(l, r, remainder: false) : LLVMBuildUDiv(b, l, r, "")
        case "%": return signed ? signedDivide(l, r, remainder: true) : LLVMBuildURem(b, l, r, "")
        case "&": return LLVMBuildAnd(b, l, r, "")
        case "|": return LLVMBuildOr(b, l, r, "")
        case "^": return LLVMBuildXor(b, l, r, "")
        case "<<": return LLVMBuildShl(b, l, r, "")
        case ">>": return signed ? LLVMBuildAShr(b, l, r, "") : LLVMBuildLShr(b, l, r, "")
        default: return l
        }
    }

    private func signedDivide(_ l: LLVMValueRef, _ r: LLVMValueRef, remainder: Bool) -> LLVMValueRef {
        let b = ir.builder
        let zero = ir.const64(UInt64(0))
        let lNegative = LLVMBuildICmp(b, LLVMIntSLT, l, zero, "")!
        let rNegative = LLVMBuildICmp(b, LLVMIntSLT, r, zero, "")!
        let la = LLVMBuildSelect(b, lNegative, LLVMBuildNeg(b, l, "")!, l, "")!
        let ra = LLVMBuildSelect(b, rNegative, LLVMBuildNeg(b, r, "")!, r, "")!
        if remainder {
            let m = LLVMBuildURem(b, la, ra, "")!
            return LLVMBuildSelect(b, lNegative, LLVMBuildNeg(b, m, "")!, m, "")!
        }
        let q = LLVMBuildUDiv(b, la, ra, "")!
        let negate = LLVMBuildXor(b, lNegative, rNegative, "")!
        return LLVMBuildSelect(b, negate, LLVMBuildNeg(b, q, "")!, q, "")!
    }

    private func shortCircuit(_ op: String, _ lhs: Expr, _ rhs: Expr) -> LLVMValueRef {
        let slot = stackBuffer(size: 8)
        let l = ir.isNonZero(scalar(lhs))
        ir.store(ir.boolToI64(l), to: slot, alignment: 8)
        let evaluate = ir.block("logic.rhs"), end = ir.block("logic.end")
        if op == "&&" {
            LLVMBuildCondBr(ir.builder, l, evaluate, end)
        } else {
            LLVMBuildCondBr(ir.builder, l, end, evaluate)
        }
        ir.position(at: evaluate)
        ir.store(ir.boolToI64(ir.isNonZero(scalar(rhs))), to: slot, alignment: 8)
        ir.branch(to: end)
        ir.position(at: end)
        return ir.load(ir.i64, from: slot, alignment: 8)
    }

    /// Buffer equality, as 1 or 0: the lengths and the bytes. Bytes past a buffer's length are
    /// zero, so comparing the shorter storage (whose length word differs otherwise) suffices.
    func buffersEqual(_ lhs: Expr, _ rhs: Expr) -> LLVMValueRef {
        let b = ir.builder
        guard case .buffer(let l) = lower(lhs), case .buffer(let r) = lower(rhs) else { return ir.const64(UInt64(0)) }
        let words = min(type(of: lhs).storageSize, type(of: rhs).storageSize) / 8
        var difference = ir.const64(UInt64(0))
        for index in 0..<words {
            let a = ir.load(ir.i64, from: ir.offset(l, index * 8), alignment: 8)
            let c = ir.load(ir.i64, from: ir.offset(r, index * 8), alignment: 8)
            difference = LLVMBuildOr(b, difference, LLVMBuildXor(b, a, c, ""), "")
        }
        return ir.boolToI64(LLVMBuildICmp(b, LLVMIntEQ, difference, ir.const64(UInt64(0)), ""))
    }

    /// C-string equality up to the first NUL (or `limit` bytes), as 1 or 0.
    func stringsEqual(_ lhs: Expr, _ rhs: Expr, limit: Int?) -> LLVMValueRef {
        let b = ir.builder
        let lt = type(of: lhs), rt = type(of: rhs)
        guard case .string(let ls) = lt, case .string(let rs) = rt,
            case .buffer(let l) = lower(lhs), case .buffer(let r) = lower(rhs)
        else { return ir.const64(UInt64(0)) }
        let count = min(limit ?? Int.max, min(ls, rs))
        let slot = stackBuffer(size: 8)
        ir.store(ir.const64(UInt64(0)), to: slot, alignment: 8)
        let equal = ir.block("streq.equal"), end = ir.block("streq.end")
        for i in 0..<count {
            let a = ir.load(ir.i8, from: ir.offset(l, i), alignment: 1)
            let c = ir.load(ir.i8, from: ir.offset(r, i), alignment: 1)
            let next = ir.block("streq.next")
            LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntEQ, a, c, ""), next, end)
            ir.position(at: next)
            if i < count - 1 {
                let more = ir.block("streq.more")
                LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntEQ, a, LLVMConstInt(ir.i8, 0, 0), ""), equal, more)
                ir.position(at: more)
            }
        }
        // All compared bytes matched: equal when the limit was reached, or both strings end
        // together (a shorter buffer holds its NUL within).
        ir.branch(to: equal)
        ir.position(at: equal)
        ir.store(ir.const64(UInt64(1)), to: slot, alignment: 8)
        ir.branch(to: end)
        ir.position(at: end)
        return ir.load(ir.i64, from: slot, alignment: 8)
    }

    func probeRead(address: LLVMValueRef, bytes: Int, signed: Bool) -> LLVMValueRef {
        let slot = stackBuffer(size: 8)
        ir.store(ir.const64(UInt64(0)), to: slot, alignment: 8)
        let pointer = LLVMBuildIntToPtr(ir.builder, address, ir.bytePointer, "")!
        checkRead(ir.helper(readHelper, [slot, LLVMConstInt(ir.i32, UInt64(bytes), 0), pointer]), helper: readHelper)
        return ir.loadInteger(bytes: bytes, signed: signed, from: slot)
    }

    /// Uprobes read user memory; everything else reads kernel memory. The generic helpers
    /// fall back to either on x86, so they are used where the kind of pointer is not known.
    var readHelper: BPFHelper { unit.provider.addressSpace == .user ? .probeReadUser : .probeRead }
    var readStringHelper: BPFHelper { unit.provider.addressSpace == .user ? .probeReadUserStr : .probeReadStr }
}
