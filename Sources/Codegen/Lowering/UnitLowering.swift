import CLLVM
import Language

/// A lowered expression: an i64 SSA value, or a pointer to a stack buffer holding a
/// composite (string, tuple, ustack, usym, inet) laid out by `SType.storageSize`.
public enum Lowered {
    case scalar(LLVMValueRef)
    case buffer(LLVMValueRef)
    case none
}

/// Settings fixed when a program is compiled.
public struct CodegenOptions: Sendable {
    /// CLOCK_MONOTONIC nanoseconds at session start, for `elapsed`.
    public var startTimeNanoseconds: UInt64
    public var cpuCount: Int
    /// Pid of the `-c` command, for `cpid`.
    public var childPID: Int32
    public var positionalParameters: [String]
    public var mapMaxEntries: Int
    /// A process whose events the probes ignore (0 for none): the shell's own, so that a probe
    /// that sees the shell's writes does not feed on its own output.
    public var excludedProcess: Int32
    /// `-p PID`: the only process (tgid) whose events the probes see (0 for every process).
    public var targetProcess: Int32 = 0
    /// How each function and builtin variable becomes BPF (rows of the language's
    /// `FunctionTable` and `BuiltinVariableTable`, by name).
    public var functions: FunctionLoweringTable
    public var variables: FunctionLoweringTable
    /// The slot of `InternalMap.fired` every program of this probe increments when it runs,
    /// or nil for no counter (a one-shot run reports no fired count).
    public var firedSlot: Int? = nil
    /// Bytes of the event ring buffer, fixed for a session whose later probes must share it;
    /// nil sizes it by what the program sends (`Compiler.eventRingBytes(for:)`).
    public var eventRingBytes: Int? = nil
    /// A keyless integer map `tseries()` reads as its clock instead of the time, without the
    /// `@` (bpftrace's `BPFTRACE_DUMMY_TS_MAP`, for deterministic intervals in tests).
    public var timeSeriesClockMap: String? = nil
    public init(
        startTimeNanoseconds: UInt64 = 0, cpuCount: Int = 1, childPID: Int32 = 0,
        positionalParameters: [String] = [], mapMaxEntries: Int = 4096, excludedProcess: Int32 = 0,
        functions: FunctionLoweringTable = .builtin, variables: FunctionLoweringTable = .builtinVariables,
        targetProcess: Int32 = 0
    ) {
        self.targetProcess = targetProcess
        self.functions = functions
        self.variables = variables
        self.excludedProcess = excludedProcess
        self.startTimeNanoseconds = startTimeNanoseconds
        self.cpuCount = cpuCount
        self.childPID = childPID
        self.positionalParameters = positionalParameters
        self.mapMaxEntries = mapMaxEntries
    }
}

extension CodegenOptions {
    /// Whether `excludedProcess` applies to probes of this provider. BEGIN and END run in the
    /// shell on purpose (test runs), and interval and profile timers fire in whatever runs: those
    /// are never filtered by process (`ProviderDescriptor.firesInShellContext`).
    public static func excludesProcess(at provider: ProviderDescriptor) -> Bool {
        !provider.firesInShellContext
    }

    /// Whether `-p`'s process filter is compiled into probes of this provider, as bpftrace
    /// does for every probe that fires in some task's context. BEGIN and END run in bpfsh;
    /// an interval timer fires on one CPU in whatever task runs there, so filtering it would
    /// only make it skip ticks; uprobes and usdt are attached to the process itself.
    public static func filtersTargetProcess(at provider: ProviderDescriptor) -> Bool {
        !provider.isRunNotAttached && provider.kind != .interval && provider.addressSpace != .user
    }
}

/// Lowers one `ProbeUnit` into one LLVM function.
///
/// Consumes a checked unit; produces a function in its own section `bpfsh/N`. Every value
/// the kernel needs (maps) is referenced by id; strings and composites live on the stack,
/// with allocas kept in the entry block as the BPF backend requires.
final class UnitLowering {
    let ir: IR
    let unit: ProbeUnit
    let program: CheckedProgram
    let options: CodegenOptions
    let mapIDs: [String: Int32]
    var function: LLVMValueRef!
    var contextPointer: LLVMValueRef!
    var allocaBlock: LLVMBasicBlockRef!
    let allocaBuilder: LLVMBuilderRef
    var variables: [String: LLVMValueRef] = [:]
    /// (continue target, break target) of enclosing loops.
    var loops: [(LLVMBasicBlockRef, LLVMBasicBlockRef)] = []
    var returnBlock: LLVMBasicBlockRef!
    /// Helper results that cannot change during one run (pid/tid, uid/gid), computed once at
    /// entry the first time they are needed.
    var entryValues: [BPFHelper: LLVMValueRef] = [:]
    /// Buffers of finished statements, by size, ready for reuse; and the buffers of the
    /// statements being lowered.
    var freeSlots: [Int: [LLVMValueRef]] = [:]
    var freeScratchSlots: [Int: [LLVMValueRef]] = [:]
    /// Per statement being lowered: its buffers (size, address, whether in scratch memory).
    var scopes: [[(Int, LLVMValueRef, Bool)]] = []
    /// This function's pointer to the scratch map's value, once something needs it.
    var scratchBase: LLVMValueRef?
    /// The next free offset of the scratch value's locals area, for the whole unit (its loop
    /// callbacks run while the caller's buffers are live).
    var scratchTop = Compiler.scratchEventArea
    /// Variables kept in scratch memory, by offset.
    var scratchVariables: [String: Int] = [:]
    /// Every stack buffer made, for the error naming what filled the stack.
    var stackUses: [StackUse] = []
    /// The LLVM function being lowered (the probe or a loop callback), and the statement.
    var currentFunctionName = ""
    var currentStatement: SourceRange?
    /// The program's section and function name; `for` loop bodies over maps become callback
    /// functions in the same section, named after it.
    var section = ""
    var functionName = ""
    var callbackCount = 0
    /// `-k`: the format id of the innermost expression being lowered whose probe reads report
    /// their failure (`RuntimeAction.probeReadError`), or nil.
    var readErrorSite: Int?

    init(ir: IR, unit: ProbeUnit, program: CheckedProgram, options: CodegenOptions, mapIDs: [String: Int32]) {
        self.ir = ir
        self.unit = unit
        self.program = program
        self.options = options
        self.mapIDs = mapIDs
        self.allocaBuilder = LLVMCreateBuilderInContext(ir.context)
    }

    deinit { LLVMDisposeBuilder(allocaBuilder) }

    func lower(name: String, section: String) {
        self.section = section
        self.functionName = name
        self.currentFunctionName = name
        var parameters: [LLVMTypeRef?] = [ir.bytePointer]
        let type = LLVMFunctionType(ir.i64, &parameters, 1, 0)
        function = LLVMAddFunction(ir.module, name, type)
        LLVMSetSection(function, section)
        let nounwind = LLVMGetEnumAttributeKindForName("nounwind", 8)
        LLVMAddAttributeAtIndex(
            function, LLVMAttributeIndex(bitPattern: Int32(LLVMAttributeFunctionIndex)),
            LLVMCreateEnumAttribute(ir.context, nounwind, 0))
        contextPointer = LLVMGetParam(function, 0)

        allocaBlock = LLVMAppendBasicBlockInContext(ir.context, function, "entry")!
        LLVMPositionBuilderAtEnd(allocaBuilder, allocaBlock)
        let body = LLVMAppendBasicBlockInContext(ir.context, function, "body")!
        returnBlock = LLVMAppendBasicBlockInContext(ir.context, function, "return")
        ir.position(at: body)
        // Before any filter: `fired` counts runs, as the kernel's run count does.
        if let slot = options.firedSlot { countRun(in: slot) }

        placeVariables()
        // Zeroed so a variable read on a path that never assigned it is defined.
        for (variable, type) in unit.variables.sorted(by: { $0.key < $1.key }) {
            ir.memset(variables[variable]!, size: max(8, type.storageSize))
        }

        if options.excludedProcess != 0 && CodegenOptions.excludesProcess(at: unit.provider) {
            proceedOnly(whenProcessIs: options.excludedProcess, is: false, next: "other.process")
        }
        if options.targetProcess != 0 && CodegenOptions.filtersTargetProcess(at: unit.provider) {
            proceedOnly(whenProcessIs: options.targetProcess, is: true, next: "target.process")
        }
        if let predicate = unit.predicate {
            let value = scalar(predicate)
            let pass = ir.block("predicate.pass")
            LLVMBuildCondBr(ir.builder, ir.isNonZero(value), pass, returnBlock)
            ir.position(at: pass)
        }
        lowerBlock(unit.body)
        ir.branch(to: returnBlock)

        ir.position(at: returnBlock)
        LLVMBuildRet(ir.builder, ir.const64(UInt64(0)))
        finishEntry(body: body, whenScratchIsMissing: returnBlock)
        // LLVM keeps the blocks' order where it has no reason to change it: the common exit
        // last lets the body fall into it (one jump fewer), and the own-process filter, which
        // rarely holds, jumps forward to it.
        LLVMMoveBasicBlockAfter(returnBlock, LLVMGetLastBasicBlock(function))
    }

    /// The result of a helper whose value is fixed for the whole run of the program, called
    /// once in the entry block so every use (in any branch) shares it.
    func invariantHelper(_ helper: BPFHelper) -> LLVMValueRef {
        if let value = entryValues[helper] { return value }
        let saved = LLVMGetInsertBlock(ir.builder)!
        LLVMPositionBuilderAtEnd(ir.builder, allocaBlock)
        let value = ir.helper(helper, [])
        LLVMPositionBuilderAtEnd(ir.builder, saved)
        entryValues[helper] = value
        return value
    }

    /// A buffer made in the entry block: in scratch memory when larger than `on_stack_limit`
    /// (unless it must be on the stack, as a loop helper's context), else a stack slot.
    /// Buffers made while lowering a statement go back to a pool when the statement ends and
    /// are reused by later ones: nothing a statement computes outlives it, and BPF programs
    /// only have 512 bytes of stack.
    func stackBuffer(size: Int, onStack: Bool = false, label: StackUseLabel? = nil) -> LLVMValueRef {
        let rounded = (max(1, size) + 7) / 8 * 8
        if !onStack, rounded > onStackLimit, let slot = scratchBuffer(rounded: rounded) { return slot }
        if rounded >= 16, !scopes.isEmpty, let slot = freeSlots[rounded]?.popLast() {
            scopes[scopes.count - 1].append((rounded, slot, false))
            return slot
        }
        if let label = label ?? currentStatement.map(StackUseLabel.statement) {
            stackUses.append(StackUse(function: currentFunctionName, size: rounded, label: label))
        }
        let type = LLVMArrayType(ir.i8, UInt32(rounded))
        let alloca = LLVMBuildAlloca(allocaBuilder, type, "")!
        LLVMSetAlignment(alloca, 8)
        // The cast lives beside the alloca in the entry block, so it dominates every use of a
        // slot that the pool hands to later statements in other branches.
        let slot = LLVMBuildBitCast(allocaBuilder, alloca, ir.bytePointer, "")!
        if rounded >= 16, !scopes.isEmpty { scopes[scopes.count - 1].append((rounded, slot, false)) }
        return slot
    }

    /// Runs `body` as one statement's scope: its pooled buffers are released afterwards.
    func withStatementScope(_ body: () -> Void) {
        scopes.append([])
        body()
        for (size, slot, inScratch) in scopes.removeLast() {
            if inScratch {
                freeScratchSlots[size, default: []].append(slot)
            } else {
                freeSlots[size, default: []].append(slot)
            }
        }
    }

    func type(of expr: Expr) -> SType { unit.exprTypes[expr.id] ?? .s64 }

    /// Lowers an expression that must be a scalar.
    func scalar(_ expr: Expr) -> LLVMValueRef {
        switch lower(expr) {
        case .scalar(let v): return v
        case .buffer(let p): return ir.load(ir.i64, from: p, alignment: 8)
        case .none: return ir.const64(UInt64(0))
        }
    }

    /// Materializes a value into a fresh buffer of its storage size (for keys, events, copies).
    func bufferValue(_ value: Lowered, type: SType) -> LLVMValueRef {
        if case .buffer(let p) = value { return p }
        let slot = stackBuffer(size: max(8, type.storageSize))
        if case .scalar(let v) = value { ir.store(v, to: slot, alignment: 8) }
        return slot
    }

    /// Writes `value` of type `from` into storage laid out for type `to` at `destination`,
    /// which must already be zeroed where `to` is larger.
    func write(_ value: Lowered, from: SType, to: SType, at destination: LLVMValueRef) {
        switch (from, to) {
        case (.string(let fromSize), .string(let toSize)):
            guard case .buffer(let source) = value else { return }
            let count = min(fromSize, toSize)
            ir.memcpy(destination, source, size: (count / 8) * 8, alignment: 8)
            if count % 8 != 0 {
                ir.memcpy(
                    ir.offset(destination, (count / 8) * 8), ir.offset(source, (count / 8) * 8), size: count % 8,
                    alignment: 1)
            }
            if fromSize > toSize {
                ir.store(LLVMConstInt(ir.i8, 0, 0), to: ir.offset(destination, toSize - 1), alignment: 1)
            }
        case (.record(let fromNames, let fromParts), .record(let toNames, let toParts)):
            // Field by field, by name: a record written in another order lands in this layout.
            guard case .buffer(let source) = value else { return }
            var toOffset = 0
            for (name, t) in zip(toNames, toParts) {
                guard let index = fromNames.firstIndex(of: name) else { continue }
                let f = fromParts[index]
                let fromOffset = fromParts[..<index].reduce(0) { $0 + $1.storageSize }
                let part: Lowered =
                    isScalarStorage(f)
                    ? .scalar(ir.load(ir.i64, from: ir.offset(source, fromOffset), alignment: 8))
                    : .buffer(ir.offset(source, fromOffset))
                write(part, from: f, to: t, at: ir.offset(destination, toOffset))
                toOffset += t.storageSize
            }
        case (.tuple(let fromParts), .tuple(let toParts)):
            guard case .buffer(let source) = value else { return }
            var fromOffset = 0, toOffset = 0
            for (f, t) in zip(fromParts, toParts) {
                let part: Lowered =
                    isScalarStorage(f)
                    ? .scalar(ir.load(ir.i64, from: ir.offset(source, fromOffset), alignment: 8))
                    : .buffer(ir.offset(source, fromOffset))
                write(part, from: f, to: t, at: ir.offset(destination, toOffset))
                fromOffset += f.storageSize
                toOffset += t.storageSize
            }
        default:
            switch value {
            case .scalar(let v): ir.store(v, to: destination, alignment: 8)
            case .buffer(let source) where from.isStructure && min(from.storageSize, to.storageSize) > 256:
                // A large struct in one helper call rather than a load and a store per word.
                ir.helper(
                    .probeReadKernel,
                    [destination, LLVMConstInt(ir.i32, UInt64(min(from.storageSize, to.storageSize)), 0), source])
            case .buffer(let source):
                ir.memcpy(destination, source, size: min(from.storageSize, to.storageSize), alignment: 8)
            case .none: break
            }
        }
    }

    /// Evaluates `expr` straight into `destination` where it can (comm, str() of a pointer),
    /// saving a stack copy per event; otherwise lowers it and copies.
    func writeExpression(_ expr: Expr, to storage: SType, at destination: LLVMValueRef) {
        if case .string(let size) = storage {
            if case .builtin("comm") = expr.kind, size >= 16 {
                ir.helper(.getCurrentComm, [destination, LLVMConstInt(ir.i32, 16, 0)])
                return
            }
            if case .call("str", let args) = expr.kind, case .string(let limit) = type(of: expr), limit <= size,
                type(of: args[0]).isInteger, !args[0].isPositional
            {
                let pointer = LLVMBuildIntToPtr(ir.builder, scalar(args[0]), ir.bytePointer, "")!
                let result = ir.helper(readStringHelper, [destination, LLVMConstInt(ir.i32, UInt64(limit), 0), pointer])
                if let id = unit.formatIDs[expr.id], isReadErrorSite(id) {
                    let outer = readErrorSite
                    readErrorSite = id
                    checkRead(result, helper: readStringHelper)
                    readErrorSite = outer
                }
                return
            }
        }
        if case .builtin("args") = expr.kind, case .record = storage, type(of: expr) == storage {
            // `print(args)`: each field straight into the event, no record in between.
            writeArgumentsRecord(storage, at: destination)
            return
        }
        if case .structure(let structure) = storage, type(of: expr) == storage, case .unary("*", let operand) = expr.kind {
            // Read from memory straight into the event or map value: no copy in between
            // (under -k, a failed read is reported at the `*`, as through `lower`).
            let outer = readErrorSite
            if let id = unit.formatIDs[expr.id], isReadErrorSite(id) { readErrorSite = id }
            readStructure(structure, from: operand, into: destination)
            readErrorSite = outer
            return
        }
        write(lower(expr), from: type(of: expr), to: storage, at: destination)
    }

    /// Whether `writeExpression` writes every byte of `storage` for this expression.
    func fillsCompletely(_ expr: Expr, _ storage: SType) -> Bool {
        if case .builtin("comm") = expr.kind, storage == .string(size: 16) { return true }
        if storage.isStructure, type(of: expr) == storage, case .unary("*", _) = expr.kind { return true }
        if case .builtin("args") = expr.kind, type(of: expr) == storage { return Self.fillsSlots(storage) }
        return false
    }

    func isScalarStorage(_ type: SType) -> Bool {
        switch type {
        case .int, .pointer, .ksym, .kstack, .bool, .named, .timestamp, .enumeration: return true
        default: return false
        }
    }

    /// Reads a value of `type` stored at `pointer` as a `Lowered`.
    func read(_ type: SType, at pointer: LLVMValueRef) -> Lowered {
        if isScalarStorage(type) { return .scalar(ir.load(ir.i64, from: pointer, alignment: 8)) }
        return .buffer(pointer)
    }

    /// A string constant materialized on the stack.
    func constantString(_ text: String, size: Int? = nil) -> LLVMValueRef {
        var bytes = Array(text.utf8)
        let total = max(8, ((size ?? bytes.count + 1) + 7) / 8 * 8)
        bytes += Array(repeating: 0, count: max(0, total - bytes.count))
        let slot = stackBuffer(size: total)
        for chunk in stride(from: 0, to: total, by: 8) {
            var word: UInt64 = 0
            for i in 0..<8 where chunk + i < bytes.count { word |= UInt64(bytes[chunk + i]) << (8 * UInt64(i)) }
            ir.store(ir.const64(word), to: ir.offset(slot, chunk), alignment: 8)
        }
        return slot
    }

    /// Goes on (in a block named `next`) only when whether the current process (tgid) is `pid`
    /// is `wanted`: the `-p` target must be it, bpfsh's own process must not; else returns.
    private func proceedOnly(whenProcessIs pid: Int32, is wanted: Bool, next: String) {
        let process = ir.opaque(
            LLVMBuildLShr(ir.builder, invariantHelper(.getCurrentPidTgid), ir.const64(UInt64(32)), ""))
        let same = LLVMBuildICmp(ir.builder, LLVMIntEQ, process, ir.const64(UInt64(UInt32(bitPattern: pid))), "")
        let proceed = ir.block(next)
        LLVMBuildCondBr(ir.builder, same, wanted ? proceed : returnBlock, wanted ? returnBlock : proceed)
        ir.position(at: proceed)
    }
}
