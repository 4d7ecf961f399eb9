import CLLVM
import Foundation
import Language

/// Buffers larger than `on_stack_limit` (bpftrace's config variable, 32 bytes by default) live
/// in the per-CPU scratch map instead of the 512-byte BPF stack, as bpftrace keeps them in
/// pre-allocated memory: strings, tuples, map keys and values, events under construction.
///
/// The map has one value per CPU: its first `Compiler.scratchEventArea` bytes are where large
/// events are assembled (`withEventBuffer`), the rest holds these buffers at offsets fixed
/// when the program is compiled. The kernel does not nest tracing programs on one CPU, so a
/// run owns the area until it returns; loop callbacks run inside it and take their buffers
/// above the caller's, so nothing live is shared.
///
/// Each function looks the value up once, in its entry block: the lookup of a per-CPU array's
/// slot 0 cannot fail, but the verifier wants the null check, which sends a missing value to
/// the function's plain return.
extension UnitLowering {
    /// What a stack buffer holds, for the error that names what used the stack.
    enum StackUseLabel {
        case variable(String)
        case loopFrame
        case statement(SourceRange)
    }

    struct StackUse {
        var function: String
        var size: Int
        var label: StackUseLabel
    }

    var onStackLimit: Int { max(0, program.config.integer("on_stack_limit") ?? 32) }

    /// A buffer of `rounded` bytes in the scratch map, or nil when the program has no scratch
    /// map or its locals area is full (the buffer then goes on the stack).
    func scratchBuffer(rounded: Int) -> LLVMValueRef? {
        guard mapIDs[InternalMap.scratch] != nil else { return nil }
        if !scopes.isEmpty, let slot = freeScratchSlots[rounded]?.popLast() {
            scopes[scopes.count - 1].append((rounded, slot, true))
            return slot
        }
        guard scratchTop + rounded <= Compiler.scratchSize else { return nil }
        let slot = scratchSlot(at: scratchTop)
        scratchTop += rounded
        if !scopes.isEmpty { scopes[scopes.count - 1].append((rounded, slot, true)) }
        return slot
    }

    /// The address `offset` bytes into this function's scratch value, computed in the entry
    /// block so that it dominates every use.
    func scratchSlot(at offset: Int) -> LLVMValueRef {
        let base = scratchPointer()
        var index: [LLVMValueRef?] = [ir.const64(UInt64(offset))]
        return LLVMBuildInBoundsGEP2(allocaBuilder, ir.i8, base, &index, 1, "")!
    }

    /// This function's pointer to the scratch value, looked up on first use.
    func scratchPointer() -> LLVMValueRef {
        if let base = scratchBase { return base }
        let saved = LLVMGetInsertBlock(ir.builder)!
        LLVMPositionBuilderAtEnd(ir.builder, allocaBlock)
        let key = LLVMBuildAlloca(allocaBuilder, LLVMArrayType(ir.i8, 8), "")!
        LLVMSetAlignment(key, 8)
        let keyPointer = LLVMBuildBitCast(allocaBuilder, key, ir.bytePointer, "")!
        ir.store(LLVMConstInt(ir.i32, 0, 0), to: keyPointer, alignment: 4)
        let base = lookup(InternalMap.scratch, key: keyPointer)
        LLVMPositionBuilderAtEnd(ir.builder, saved)
        scratchBase = base
        return base
    }

    /// Ends the entry block: on to `body`, through the scratch lookup's null check when the
    /// function used scratch memory.
    func finishEntry(body: LLVMBasicBlockRef, whenScratchIsMissing missing: LLVMBasicBlockRef) {
        LLVMPositionBuilderAtEnd(allocaBuilder, allocaBlock)
        if let base = scratchBase {
            LLVMBuildCondBr(allocaBuilder, LLVMBuildIsNotNull(allocaBuilder, base, "")!, body, missing)
        } else {
            LLVMBuildBr(allocaBuilder, body)
        }
    }

    /// Where the probe's variables live: in scratch memory when larger than `on_stack_limit`,
    /// else on the stack. Integers stay on the stack even beside loop callbacks: the
    /// verifier follows values through stack slots (a bounded loop's counter), not through
    /// map memory.
    func placeVariables() {
        for (variable, type) in unit.variables.sorted(by: { $0.key < $1.key }) {
            let size = (max(8, type.storageSize) + 7) / 8 * 8
            if size > onStackLimit, mapIDs[InternalMap.scratch] != nil, scratchTop + size <= Compiler.scratchSize {
                scratchVariables[variable] = scratchTop
                variables[variable] = scratchSlot(at: scratchTop)
                scratchTop += size
            } else {
                variables[variable] = stackBuffer(size: size, onStack: true, label: .variable(variable))
            }
        }
    }

    /// The variables a loop's frame passes by pointer: those on the stack that the loop's
    /// body (nested loops included) names, and its own variable. A frame of every variable
    /// would put a pointer per variable of the whole probe on the stack the caller and the
    /// callback share.
    func frameVariableNames(loopVariable: String, body: [Stmt]) -> [String] {
        var used: Set<String> = [loopVariable]
        Self.collectVariables(in: body, into: &used)
        return variables.keys.filter { used.contains($0) && scratchVariables[$0] == nil }.sorted()
    }

    /// Every variable a body names: read, written, declared or looped over.
    static func collectVariables(in statements: [Stmt], into names: inout Set<String>) {
        for statement in statements {
            statement.forEachExpr { expr in
                switch expr.kind {
                case .variable(let name): names.insert(name)
                case .block(let inner, _): collectVariables(in: inner, into: &names)
                default: break
                }
            }
            switch statement.kind {
            case .varDecl(let name, _, _): names.insert(name)
            case .forRange(let name, _, _, let body), .forMap(let name, _, let body):
                names.insert(name)
                collectVariables(in: body, into: &names)
            case .ifElse(_, let then, let otherwise):
                collectVariables(in: then, into: &names)
                collectVariables(in: otherwise ?? [], into: &names)
            case .whileLoop(_, let body), .unroll(_, let body), .block(let body):
                collectVariables(in: body, into: &names)
            default: break
            }
        }
    }

    /// Whether a body has loops lowered to helper callbacks (`for` over a map, or over a range
    /// whose bounds are not literals).
    static func usesLoopCallbacks(_ statements: [Stmt]) -> Bool {
        statements.contains { statement in
            switch statement.kind {
            case .forMap: return true
            case .forRange(_, let from, let to, let body):
                return !(from.isIntegerLiteral && to.isIntegerLiteral) || usesLoopCallbacks(body)
            case .ifElse(_, let then, let otherwise): return usesLoopCallbacks(then) || usesLoopCallbacks(otherwise ?? [])
            case .whileLoop(_, let body), .unroll(_, let body), .block(let body): return usesLoopCallbacks(body)
            default: return false
            }
        }
    }

    /// The largest stack buffers of `function`, described for the "needs more than 512 bytes"
    /// error: variables by name, temporaries by the statement that made them.
    func describeStackUses(of function: String?) -> [String] {
        var totals: [String: Int] = [:]
        var order: [String] = []
        let uses = stackUses.filter { function == nil || $0.function == function }
        // Integer variables are many and small: named together.
        let integers = uses.compactMap { use -> String? in
            if case .variable(let name) = use.label, use.size <= 8 { return "$" + name }
            return nil
        }
        for use in uses {
            let text: String
            switch use.label {
            case .variable where use.size <= 8 && integers.count > 1:
                let names = integers.prefix(4).joined(separator: ", ") + (integers.count > 4 ? ", ..." : "")
                text = "\(integers.count) integer variables (\(names))"
            case .variable(let name): text = "variable $\(name)"
            case .loopFrame: text = "the frame a loop callback reaches the probe's variables through"
            case .statement(let range): text = Self.describe(range, in: program.source)
            }
            if totals[text] == nil { order.append(text) }
            totals[text, default: 0] += use.size
        }
        return order.sorted { totals[$0]! > totals[$1]! }.map { "\(totals[$0]!) bytes: \($0)" }
    }

    private static func describe(_ range: SourceRange, in source: SourceFile) -> String {
        let file = range.file?.source ?? source
        let (line, column) = file.location(of: range.start)
        var text = file.line(line)
        let start = text.index(text.startIndex, offsetBy: min(text.count, max(0, column - 1)))
        text = String(text[start...]).trimmingCharacters(in: .whitespaces)
        if text.count > 48 { text = String(text.prefix(45)) + "..." }
        let place = range.file == nil ? "line \(line)" : "\(file.name):\(line)"
        return "\(place) `\(text)`"
    }
}
