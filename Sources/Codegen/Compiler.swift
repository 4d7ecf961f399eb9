import CLLVM
import Foundation
import Language

/// Compiles a checked program to BPF.
///
/// Consumes a `CheckedProgram`; produces a `CompiledProgram` with one `ProgramSpec` per
/// attach point and the `MapSpec`s they reference. Throws `CodegenError` only for internal
/// failures (LLVM refusing the module): user errors were caught by the type checker.
public struct Compiler {
    public var options: CodegenOptions
    public init(options: CodegenOptions = CodegenOptions()) { self.options = options }

    public func compile(_ program: CheckedProgram, keepIR: Bool = false) throws -> CompiledProgram {
        let started = DispatchTime.now().uptimeNanoseconds
        try LLVMLibrary.require()
        let maps = mapSpecs(for: program)
        var mapIDs: [String: Int32] = [:]
        for (index, map) in maps.enumerated() { mapIDs[map.name] = Int32(index + 1) }

        let ir = IR(moduleName: "bpfsh")
        var lowerings: [UnitLowering] = []
        for (index, unit) in program.units.enumerated() {
            let lowering = UnitLowering(ir: ir, unit: unit, program: program, options: options, mapIDs: mapIDs)
            lowering.lower(name: "probe_\(index)", section: "bpfsh/\(index)")
            lowerings.append(lowering)
        }
        var message: UnsafeMutablePointer<CChar>?
        if LLVMVerifyModule(ir.module, LLVMReturnStatusAction, &message) != 0 {
            let text = message.map { String(cString: $0) } ?? ""
            LLVMDisposeMessage(message)
            throw CodegenError.invalidModule(text + "\n" + ir.printModule())
        }
        LLVMDisposeMessage(message)
        let lowered = DispatchTime.now().uptimeNanoseconds
        var optimized: UInt64 = 0
        var irText = ""
        let sections: [String: EmittedSection]
        do {
            sections = try ObjectEmitter.withShared { emitter in
                emitter.prepare(ir.module)
                do { try emitter.optimize(ir.module) } catch { throw CodegenError.llvm("\(error)") }
                optimized = DispatchTime.now().uptimeNanoseconds
                if keepIR { irText = ir.printModule() }
                return try emitter.sections(of: ir.module, context: ir.context)
            }
        } catch let error as CodegenError {
            throw error
        } catch {
            let text = "\(error)"
            if text.contains("stack limit") {
                // "... in function probe_N" (or a loop callback of it, probe_N_forM): blame the
                // probe that needs too much stack, and name what filled it.
                let function = text.range(of: #"probe_[0-9]+(_for[0-9]+)?"#, options: .regularExpression)
                    .map { String(text[$0]) }
                let unit = function.flatMap { Int($0.dropFirst("probe_".count).prefix { $0.isNumber }) } ?? 0
                let uses = lowerings.indices.contains(unit) ? lowerings[unit].describeStackUses(of: function) : []
                throw CodegenError.stackLimit(unitIndex: unit, uses: uses)
            }
            throw CodegenError.llvm(text)
        }
        let emitted = DispatchTime.now().uptimeNanoseconds

        var code: [ProgramCode] = []
        for (index, unit) in program.units.enumerated() {
            guard let section = sections["bpfsh/\(index)"] else {
                throw CodegenError.llvm("no code was emitted for \(unit.target.name)")
            }
            let bytes = section.bytes
            let instructions = stride(from: 0, to: bytes.count - 7, by: 8).map { offset -> UInt64 in
                var word: UInt64 = 0
                for i in 0..<8 { word |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
                return word
            }
            code.append(ProgramCode(instructions: instructions, functionStarts: section.functionStarts))
        }
        var compiled = try assemble(program, code: code)
        compiled.ir = irText
        compiled.timings = [
            "lower": Double(lowered - started) / 1e6, "optimize": Double(optimized - lowered) / 1e6,
            "codegen": Double(emitted - optimized) / 1e6,
        ]
        return compiled
    }

    /// A compiled program from code made earlier for the same checked program and options
    /// (a cache entry): one `ProgramCode` per unit. No LLVM is involved.
    public func assemble(_ program: CheckedProgram, code: [ProgramCode]) throws -> CompiledProgram {
        guard code.count == program.units.count else {
            throw CodegenError.llvm("\(code.count) programs of code for \(program.units.count) attach points")
        }
        let programs = zip(program.units, code).enumerated().map { index, pair in
            let (unit, code) = pair
            return ProgramSpec(
                unitIndex: index, target: unit.target, type: unit.provider.programType,
                attachType: unit.provider.attachType, instructions: code.instructions, name: "bpfsh_\(index)",
                functionStarts: code.functionStarts)
        }
        return CompiledProgram(checked: program, programs: programs, maps: mapSpecs(for: program), ir: "", timings: [:])
    }

    /// The optimized LLVM IR of the program, for `show --ir`.
    public func intermediateRepresentation(_ program: CheckedProgram) throws -> String {
        try compile(program, keepIR: true).ir
    }

    /// BPF assembly of the program, for `show --asm`.
    public func assembly(_ program: CheckedProgram) throws -> String {
        try LLVMLibrary.require()
        let maps = mapSpecs(for: program)
        var mapIDs: [String: Int32] = [:]
        for (index, map) in maps.enumerated() { mapIDs[map.name] = Int32(index + 1) }
        let ir = IR(moduleName: "bpfsh")
        for (index, unit) in program.units.enumerated() {
            UnitLowering(ir: ir, unit: unit, program: program, options: options, mapIDs: mapIDs)
                .lower(name: "probe_\(index)", section: "bpfsh/\(index)")
        }
        return try ObjectEmitter.withShared { emitter in
            emitter.prepare(ir.module)
            try emitter.optimize(ir.module)
            return emitter.assembly(ir.module)
        }
    }

    /// The event ring of a program whose every event is sent by probes that fire: room for
    /// bursts between two reads.
    public static let eventRingBytesForFiringProbes = 1 << 20
    /// The event ring of a program whose events all come from BEGIN and END: they run once,
    /// synchronously, and their events are read right after, so a burst is one run's output.
    public static let eventRingBytesForBeginAndEnd = 256 << 10

    /// Bytes of the event ring `program` needs, by which units send events. BEGIN and END
    /// without loops send at most one event per call site: their ring holds twice those (a
    /// page at least). Creating and mapping the 256 KiB ring took ~0.25 ms of a start.
    public static func eventRingBytes(for program: CheckedProgram) -> Int {
        let senders = program.units.filter { !$0.formatIDs.isEmpty }
        let startAndEndOnly = !senders.isEmpty && senders.allSatisfy { $0.provider.isRunNotAttached }
        guard startAndEndOnly else { return eventRingBytesForFiringProbes }
        guard !senders.contains(where: { LoopSearch.containsLoop($0.body) }) else { return eventRingBytesForBeginAndEnd }
        let calls = Dictionary(program.formats.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        // The kernel's record header (8 bytes) and alignment to 8 around each event.
        let bytes = senders.reduce(0) { total, unit in
            unit.formatIDs.values.reduce(total) { $0 + (calls[$1].map(eventBytes) ?? 4096) + 16 }
        }
        var ring = 4096
        while ring < 2 * bytes && ring < eventRingBytesForBeginAndEnd { ring *= 2 }
        return ring
    }

    /// Bytes of the event a call sends: its id, then its arguments as the generated code lays
    /// them out (join() sends its strings).
    static func eventBytes(of call: FormatCall) -> Int {
        if case .join = call.action { return 8 + Compiler.joinArguments * Builtins.defaultStringSize }
        return 8 + call.argumentTypes.reduce(0) { $0 + $1.storageSize }
    }

    /// Events up to this size are built on the stack; larger ones in the scratch map.
    static let stackEventLimit = 192
    /// Bytes of the per-CPU scratch value: the event area, the largest event a program may
    /// send, then the locals area for values larger than `on_stack_limit`. 32 KiB is the
    /// largest value the kernel allows a per-CPU map.
    public static let scratchSize = 32768
    public static let scratchEventArea = 4096
    /// How many strings join() reads, as in bpftrace.
    public static let joinArguments = Builtins.joinArguments

    /// The program type of a built-in provider (a unit carries its own row).
    public static func programType(for kind: ProviderKind) -> BPFProgramType? {
        ProviderTable.builtin[kind]?.programType
    }

    /// The user's maps in source order, then the runtime's own.
    public func mapSpecs(for program: CheckedProgram) -> [MapSpec] {
        var specs = program.maps.map { info in
            let type: BPFMapType =
                info.isArray
                ? .perCPUArray
                : info.isPerCPU
                    ? (info.declaration?.isLRU == true ? .lruPerCPUHash : .perCPUHash)
                    : (info.declaration?.isLRU == true ? .lruHash : .hash)
            return MapSpec(
                name: "@" + info.name, type: type, keySize: info.keySize, valueSize: info.valueSize,
                maxEntries: info.isArray ? 1 : info.declaration?.maxEntries ?? options.mapMaxEntries)
        }
        // A program that sends nothing gets no ring (nor its lost-event counter): creating and
        // mapping a ring is part of every start.
        if !program.formats.isEmpty {
            let bytes = options.eventRingBytes ?? Compiler.eventRingBytes(for: program)
            specs.append(
                MapSpec(name: InternalMap.events, type: .ringBuffer, keySize: 0, valueSize: 0, maxEntries: bytes))
            // One loss counter per probe where probes have run counters (the shell's slots).
            specs.append(
                MapSpec(
                    name: InternalMap.lostEvents, type: .perCPUArray, keySize: 4, valueSize: 8,
                    maxEntries: options.firedSlot == nil ? 1 : InternalMap.firedSlots))
        }
        if options.firedSlot != nil {
            specs.append(
                MapSpec(
                    name: InternalMap.fired, type: .perCPUArray, keySize: 4, valueSize: 8,
                    maxEntries: InternalMap.firedSlots))
        }
        let largest = program.formats.map(Compiler.eventBytes).max() ?? 0
        if largest > Compiler.stackEventLimit || program.needsScratchLocals {
            // A fixed size, so probes compiled separately in one session share the map.
            specs.append(
                MapSpec(
                    name: InternalMap.scratch, type: .perCPUArray, keySize: 4, valueSize: Compiler.scratchSize,
                    maxEntries: 1))
        }
        if program.units.contains(where: { $0.perCPUVariables.values.contains { $0.needsPerCPUBases } }) {
            specs.append(
                MapSpec(name: InternalMap.perCPUBases, type: .perCPUArray, keySize: 4, valueSize: 8, maxEntries: 1))
        }
        if program.maps.contains(where: \.newSlotsHoldOne) {
            specs.append(ConstantsMap.spec)
        }
        if program.usesStacks {
            specs.append(
                MapSpec(name: InternalMap.stacks, type: .stackTrace, keySize: 4, valueSize: 127 * 8, maxEntries: 4096))
        }
        return specs
    }
}

public enum CodegenError: Error, CustomStringConvertible {
    case invalidModule(String)
    case llvm(String)
    /// LLVM's shared object could not be loaded: nothing can be compiled (cached programs run).
    case llvmUnavailable(String)
    /// A probe needs more than the 512 bytes of stack the kernel gives a BPF program; `uses`
    /// names its largest stack buffers, largest first ("64 bytes: variable $path").
    case stackLimit(unitIndex: Int, uses: [String])
    public var description: String {
        switch self {
        case .stackLimit: return "this probe needs more than the 512 bytes of stack a BPF program may use"
        case .invalidModule(let text): return "internal error: generated invalid LLVM IR:\n\(text)"
        case .llvm(let text): return "internal error: \(text)"
        case .llvmUnavailable(let reason):
            return "cannot compile: LLVM could not be loaded (\(reason)); build it with "
                + "`swift build --product bpfsh-llvm` beside bpfsh, or set BPFSH_LLVM_LIBRARY"
        }
    }
}

extension MapInfo {
    /// Whether a new key's value is the u64 1 (count, hist, lhist in a hash), which the
    /// insert then passes from `InternalMap.constants` instead of building it on the stack.
    var newSlotsHoldOne: Bool {
        guard !isArray, valueSize == 8, case .aggregation(let aggregation, _) = value else { return false }
        switch aggregation {
        case .count, .hist, .lhist: return true
        default: return false
        }
    }
}

extension CheckedProgram {
    /// Whether some value may exceed `on_stack_limit` or loops become callbacks, so that
    /// code generation keeps buffers in the scratch map (`UnitLowering+Scratch`). Decided
    /// from types alone, so a program assembled from cached code gets the same maps.
    var needsScratchLocals: Bool {
        let limit = max(0, config.integer("on_stack_limit") ?? 32)
        if maps.contains(where: { $0.keySize > limit || $0.valueSize > limit }) { return true }
        return units.contains { unit in
            UnitLowering.usesLoopCallbacks(unit.body)
                || unit.variables.values.contains { $0.storageSize > limit }
                || unit.exprTypes.values.contains { $0.storageSize > limit }
        }
    }

    /// Whether any unit takes a stack, so the stack map is only created when needed.
    var usesStacks: Bool {
        units.contains { unit in
            unit.exprTypes.values.contains { type in
                func hasStack(_ t: SType) -> Bool {
                    switch t {
                    case .kstack, .ustack: return true
                    case .tuple(let parts): return parts.contains(where: hasStack)
                    default: return false
                    }
                }
                return hasStack(type)
            }
        }
    }
}
