import Codegen
import Kernel
import Language

/// What a dry run found for one program.
public struct VerifiedProgram: Sendable, Equatable {
    public var attachPoint: String
    public var instructions: Int
    /// Nil when the kernel's verifier accepted the program; otherwise why this kernel could not
    /// load it at all (a missing feature, not a fault in the program).
    public var notLoaded: String?
}

extension TracingSession {
    /// A dry run (`--dry-run`): compiles `text`, creates its maps and loads every program
    /// through the verifier, but attaches nothing and runs no BEGIN or END; everything created
    /// is closed again and the session is left as it was. A verifier rejection is explained
    /// against the source as in `define`. A program this kernel cannot load because a feature
    /// is missing (fentry without trampolines) is reported, not thrown: its code was compiled.
    public func verify(text: String, sourceName: String = "program") throws -> [VerifiedProgram] {
        let source = SourceFile(name: sourceName, text: text)
        let pipeline = self.pipeline(replacing: nil)
        let compiled: CompiledProgram
        do { compiled = try pipeline.compile(source) } catch let list as DiagnosticList {
            throw SessionError.diagnostics(list, source)
        }
        let transaction = StagedTransaction()
        // Never committed: the maps made for the check close with it.
        defer { transaction.rollBackUnlessCommitted() }
        let handles: [Int32: BackendMap]
        do { handles = try createMaps(for: compiled, in: transaction) } catch {
            throw SessionError.wrapping(error, probe: sourceName)
        }
        var results: [VerifiedProgram] = []
        for spec in compiled.programs {
            var result = VerifiedProgram(
                attachPoint: spec.target.name, instructions: spec.instructionCount, notLoaded: nil)
            do {
                try backend.loadProgram(spec, maps: handles).close()
            } catch KernelError.verifierRejected(let program, let log, let instruction) {
                throw rejection(
                    program: program, log: log, instruction: instruction, compiled: compiled, maps: handles,
                    pipeline: pipeline, source: source)
            } catch {
                let provider = compiled.checked.units[spec.unitIndex].provider
                guard let feature = provider.requires, let reason = backend.missingFeature(feature) else {
                    throw SessionError.wrapping(error, probe: sourceName)
                }
                result.notLoaded = "\(feature.displayName) unavailable here: \(reason)"
            }
            results.append(result)
        }
        return results
    }
}
