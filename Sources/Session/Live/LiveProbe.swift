import Codegen
import Language

/// A probe in a session: its source, its compiled programs and, while attached, the links
/// that keep them in the kernel. Its maps belong to the session and outlive it.
///
/// Ends with `TracingSession.drop(_:)`, which detaches it and closes its programs.
public final class LiveProbe {
    public enum State: String, Sendable {
        case attached, detached
    }

    public let name: String
    public let source: SourceFile
    public let compiled: CompiledProgram
    /// The exact options the loaded code was compiled with, so `show --ir/--asm` and
    /// `--emit-llvm` show that code and not a compilation with defaults.
    public let codegenOptions: CodegenOptions
    public internal(set) var state: State = .detached
    /// Whether a probe ended itself with exit().
    public internal(set) var exited = false
    var programs: [(spec: ProgramSpec, program: BackendProgram)]
    var links: [BackendLink] = []
    /// Time to compile, load and attach, in milliseconds, for `show` and the benchmark.
    public internal(set) var timings: [String: Double] = [:]

    init(
        name: String, source: SourceFile, compiled: CompiledProgram, codegenOptions: CodegenOptions,
        programs: [(spec: ProgramSpec, program: BackendProgram)]
    ) {
        self.name = name
        self.source = source
        self.compiled = compiled
        self.codegenOptions = codegenOptions
        self.programs = programs
    }

    /// The expanded attach points, as `probe` spells them.
    public var attachPoints: [String] { compiled.programs.map(\.target.name) }
    /// The maps this probe's own source uses (with `@`).
    public var maps: [String] { compiled.checked.usedMaps.map { "@" + $0 } }
    public var instructionCount: Int { programs.reduce(0) { $0 + $1.program.instructionCount } }

    /// How many times the probe's programs ran, from the counter they keep themselves; nil for
    /// a probe compiled without one (a session past `InternalMap.firedSlots` probes).
    public var fired: UInt64? { codegenOptions.firedSlot.flatMap { readFired?($0) } }
    /// Reads a slot of the session's run counters.
    var readFired: ((Int) -> UInt64?)?

    /// Runs and time in the probe's programs while the kernel's run statistics were on
    /// (`TracingSession.setStatistics`): they count nothing while off.
    public var runStatistics: (runs: UInt64, nanoseconds: UInt64) {
        programs.reduce((UInt64(0), UInt64(0))) { total, entry in
            let stats = entry.program.statistics()
            return (total.0 &+ stats.runs, total.1 &+ stats.nanoseconds)
        }
    }

    /// The process this probe ignores (the shell's own), when one of its attach points would
    /// otherwise see it.
    public var excludedProcess: Int32? {
        let filtered = compiled.checked.units.contains { CodegenOptions.excludesProcess(at: $0.provider) }
        return codegenOptions.excludedProcess != 0 && filtered ? codegenOptions.excludedProcess : nil
    }

    /// The optimized LLVM IR of the loaded code; made on request, not at every define.
    public func intermediateRepresentation() throws -> String {
        try Compiler(options: codegenOptions).intermediateRepresentation(compiled.checked)
    }

    /// The BPF assembly of the loaded code.
    public func assembly() throws -> String {
        try Compiler(options: codegenOptions).assembly(compiled.checked)
    }

    var startPrograms: [BackendProgram] { programs.filter { $0.spec.target.kind == .begin }.map(\.program) }
    var endPrograms: [BackendProgram] { programs.filter { $0.spec.target.kind == .end }.map(\.program) }
}
