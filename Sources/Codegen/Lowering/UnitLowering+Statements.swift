import CLLVM
import Language

extension UnitLowering {
    func lowerBlock(_ statements: [Stmt]) {
        for statement in statements {
            if ir.isTerminated { return }
            let outer = currentStatement
            currentStatement = statement.range
            withStatementScope { lower(statement) }
            currentStatement = outer
        }
    }

    func lower(_ statement: Stmt) {
        switch statement.kind {
        case .expr(let expr):
            _ = lower(expr)
        case .assign(let target, let op, let value):
            lowerAssignment(target: target, op: op, value: value)
        case .varDecl(let name, _, let value):
            if let value, let slot = variables[name] {
                let type = unit.variables[name] ?? .s64
                ir.memset(slot, size: max(8, type.storageSize))
                write(lower(value), from: self.type(of: value), to: type, at: slot)
            }
        case .ifElse(let condition, let then, let otherwise):
            let value = ir.isNonZero(scalar(condition))
            let thenBlock = ir.block("if.then")
            let elseBlock = ir.block("if.else")
            let endBlock = ir.block("if.end")
            LLVMBuildCondBr(ir.builder, value, thenBlock, elseBlock)
            ir.position(at: thenBlock)
            lowerBlock(then)
            ir.branch(to: endBlock)
            ir.position(at: elseBlock)
            if let otherwise { lowerBlock(otherwise) }
            ir.branch(to: endBlock)
            ir.position(at: endBlock)
        case .whileLoop(let condition, let body):
            let head = ir.block("while.cond")
            let loopBody = ir.block("while.body")
            let end = ir.block("while.end")
            ir.branch(to: head)
            ir.position(at: head)
            LLVMBuildCondBr(ir.builder, ir.isNonZero(scalar(condition)), loopBody, end)
            ir.position(at: loopBody)
            loops.append((head, end))
            lowerBlock(body)
            loops.removeLast()
            ir.branch(to: head)
            ir.position(at: end)
        case .forRange(let name, let from, let to, let body):
            guard from.isIntegerLiteral && to.isIntegerLiteral else {
                lowerRangeWithHelper(variable: name, from: from, to: to, body: body)
                return
            }
            guard let slot = variables[name] else { return }
            ir.store(scalar(from), to: slot, alignment: 8)
            let limit = scalar(to)
            let head = ir.block("for.cond")
            let loopBody = ir.block("for.body")
            let step = ir.block("for.step")
            let end = ir.block("for.end")
            ir.branch(to: head)
            ir.position(at: head)
            let current = ir.load(ir.i64, from: slot, alignment: 8)
            LLVMBuildCondBr(ir.builder, LLVMBuildICmp(ir.builder, LLVMIntSLT, current, limit, ""), loopBody, end)
            ir.position(at: loopBody)
            loops.append((step, end))
            lowerBlock(body)
            loops.removeLast()
            ir.branch(to: step)
            ir.position(at: step)
            let next = LLVMBuildAdd(ir.builder, ir.load(ir.i64, from: slot, alignment: 8), ir.const64(UInt64(1)), "")!
            ir.store(next, to: slot, alignment: 8)
            ir.branch(to: head)
            ir.position(at: end)
        case .unroll(let count, let body):
            guard case .integer(let n) = count.kind else { return }
            for _ in 0..<n {
                if ir.isTerminated { return }
                lowerBlock(body)
            }
        case .forMap(let name, let map, let body):
            lowerForMap(variable: name, map: map, body: body)
        case .block(let body):
            lowerBlock(body)
        case .breakLoop:
            if let loop = loops.last { ir.branch(to: loop.1) }
            ir.position(at: ir.block("after.break"))
        case .continueLoop:
            if let loop = loops.last { ir.branch(to: loop.0) }
            ir.position(at: ir.block("after.continue"))
        case .returnProbe:
            returnFromProbe()
        }
    }

    /// Ends the probe's run here (`return`, and `exit()` as bpftrace does: nothing after it
    /// runs); code after it goes to a block nothing reaches.
    func returnFromProbe() {
        ir.branch(to: returnBlock)
        ir.position(at: ir.block("after.return"))
    }

    func lowerAssignment(target: Expr, op: String, value: Expr) {
        switch target.kind {
        case .variable(let name):
            guard let slot = variables[name] else { return }
            let storage = unit.variables[name] ?? .s64
            if op == "=", storage.isStructure, fillsCompletely(value, storage) {
                writeExpression(value, to: storage, at: slot)
            } else if op == "=" {
                let lowered = lower(value)
                // A struct copied whole writes every byte: zeroing it first would cost a store per word.
                let whole = storage.isStructure && type(of: value) == storage
                if !isScalarStorage(storage) && !whole { ir.memset(slot, size: max(8, storage.storageSize)) }
                write(lowered, from: type(of: value), to: storage, at: slot)
            } else {
                let current = ir.load(ir.i64, from: slot, alignment: 8)
                let result = arithmetic(
                    String(op.dropLast()), current, pointerStep(op, scalar(value), storage),
                    signed: storage.isSigned || type(of: value).isSigned)
                ir.store(fitTo(storage, result), to: slot, alignment: 8)
            }
        case .map(let name, let keys):
            guard let info = program.map(named: name) else { return }
            if case .aggregation(let aggregation, _) = info.value {
                // `@m = { ...; avg($x) }`: the block's statements, then its aggregating call.
                var call = value
                while case .block(let statements, let inner) = call.kind {
                    lowerBlock(statements)
                    call = inner
                }
                if case .call(_, let args) = call.kind {
                    updateAggregation(info, aggregation: aggregation, keys: keys, arguments: args)
                }
                return
            }
            let key = buildKey(info, keys: keys)
            guard case .plain(let storage) = info.value else { return }
            let slot = stackBuffer(size: info.valueSize)
            if op == "=", storage.isStructure, fillsCompletely(value, storage), info.valueSize == storage.storageSize {
                writeExpression(value, to: storage, at: slot)
            } else if op == "=" {
                let lowered = lower(value)
                let whole = storage.isStructure && type(of: value) == storage && info.valueSize == storage.storageSize
                if !isScalarStorage(storage) && !whole { ir.memset(slot, size: info.valueSize) }
                write(lowered, from: type(of: value), to: storage, at: slot)
            } else {
                let current = readMapScalar(info, key: key)
                let result = arithmetic(
                    String(op.dropLast()), current, pointerStep(op, scalar(value), storage), signed: true)
                ir.store(result, to: slot, alignment: 8)
            }
            updateMap(info.name, key: key, value: slot)
        default:
            break
        }
    }

    /// `p += n` and `p -= n` on a pointer move it by n pointees.
    private func pointerStep(_ op: String, _ value: LLVMValueRef, _ storage: SType) -> LLVMValueRef {
        op == "+=" || op == "-=" ? scaled(value, by: storage) : value
    }

    func fitTo(_ type: SType, _ value: LLVMValueRef) -> LLVMValueRef {
        if case .int(let bytes, let signed) = type { return ir.fit(value, bytes: bytes, signed: signed) }
        return value
    }
}
