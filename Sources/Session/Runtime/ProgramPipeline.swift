import Codegen
import Foundation
import Language
import Tables

/// Source text to compiled program: parse, check types against the kernel catalogue, check
/// format strings, generate BPF. Every user error comes back as a `DiagnosticList`.
public struct ProgramPipeline {
    public var catalogue: Language.ProbeCatalogue
    public var analyzerOptions: SemanticAnalyzer.Options
    public var codegenOptions: CodegenOptions
    /// Where compiled programs are kept between runs, if anywhere.
    public var cache: CompiledProgramCache?

    public init(
        catalogue: Language.ProbeCatalogue, analyzerOptions: SemanticAnalyzer.Options, codegenOptions: CodegenOptions
    ) {
        self.catalogue = catalogue
        self.analyzerOptions = analyzerOptions
        self.codegenOptions = codegenOptions
    }

    /// The largest program compiled. Compile time grows with the program (16 KB of statements
    /// took 6 s in a debug build; 1 MB took minutes and ignored SIGTERM), and the largest
    /// bpftrace tools are under 8 KB, so a program past this is refused before parsing.
    public static let maximumSourceBytes = 32 * 1024

    public func check(_ source: SourceFile) throws -> CheckedProgram {
        let size = source.text.utf8.count
        guard size <= Self.maximumSourceBytes else {
            throw DiagnosticList([
                Diagnostic(
                    "the program is \(size) bytes: bpfsh compiles programs of up to \(Self.maximumSourceBytes) bytes",
                    at: SourceRange(0, 0), notes: ["split it into several probes, or move repeated work into a map"])
            ])
        }
        let program: Program
        let preprocessing = PreprocessorOptions(kernelHasBTF: catalogue.hasBTF, loader: FileSourceLoader())
        do { program = try Parser.parse(source, preprocessing: preprocessing) } catch let d as Diagnostic {
            throw DiagnosticList([d])
        }
        let checked = try SemanticAnalyzer.check(
            program, source: source, catalogue: catalogue, options: analyzerOptions)
        try FormatChecker.check(checked)
        return checked
    }

    public func compile(_ source: SourceFile, keepIR: Bool = false) throws -> CompiledProgram {
        let started = MonotonicClock.nanoseconds()
        let checked = try StartupTiming.measure(.check) { try check(source) }
        let checking = Double(MonotonicClock.nanoseconds() - started) / 1e6
        var codegenOptions = self.codegenOptions
        if let keys = checked.config.maxMapKeys { codegenOptions.mapMaxEntries = max(1, keys) }
        do {
            var compiled = try StartupTiming.measure(.compile) {
                if let cache, !keepIR {
                    let compiled = try cache.compile(
                        checked, source: source, analyzer: analyzerOptions, options: codegenOptions)
                    if compiled.fromCache { StartupTiming.note(.compile, "cached") }
                    return compiled
                }
                return try Compiler(options: codegenOptions).compile(checked, keepIR: keepIR)
            }
            compiled.timings["check"] = checking
            return compiled
        } catch CodegenError.stackLimit(let index, let uses) {
            let unit = checked.units[min(index, checked.units.count - 1)]
            let largest = uses.prefix(6).joined(separator: "; ")
            throw DiagnosticList([
                Diagnostic(
                    "\(unit.target.name) needs more than the 512 bytes of stack a BPF program may use",
                    at: unit.range,
                    notes: (largest.isEmpty ? [] : ["on the stack: " + largest])
                        + [
                            "use shorter strings (str(x, 32)), fewer string keys, a lower on_stack_limit (values "
                                + "larger than it go to a per-CPU scratch map), or split the probe"
                        ])
            ])
        }
    }
}

/// Checks printf-style format strings against their arguments, with the argument's range.
enum FormatChecker {
    static func check(_ program: CheckedProgram) throws {
        var diagnostics: [Diagnostic] = []
        for call in program.formats {
            guard let text = call.action.printfFormat else { continue }
            do {
                let format = try PrintfFormat.parse(text)
                try format.check(call.argumentTypes.map(argumentType))
            } catch {
                diagnostics.append(Diagnostic(error.message(for: call.kind.rawValue), at: call.range))
            }
        }
        if !diagnostics.isEmpty { throw DiagnosticList(diagnostics) }
    }

    static func argumentType(_ type: SType) -> PrintfArgumentType {
        switch type {
        case .int, .pointer, .bool: return .integer
        case .buffer: return .buffer
        case .enumeration: return .enumeration
        // bpftrace prints symbols, stacks, addresses and tuples with %s.
        default: return .string
        }
    }
}
