import Codegen
import Kernel
import Language

/// Finds which statement of a probe the verifier rejects.
///
/// LLVM reorders code, so an instruction index does not lead back to the source. Instead
/// the probe is recompiled with its first k statements for k = 0, 1, 2... and loaded (not
/// attached) until the kernel refuses: the statement that made it refuse is the culprit.
/// Each attempt is a compile and a load of a few milliseconds, and only runs after a
/// rejection.
struct RejectionLocator {
    let backend: KernelBackend
    let options: CodegenOptions

    /// The range of the first statement whose addition makes the unit fail verification, or
    /// the predicate's; nil when even the whole body loads (the failure is elsewhere).
    func locate(in program: CheckedProgram, unitIndex: Int, maps: [Int32: BackendMap]) -> SourceRange? {
        let original = program.units[unitIndex]
        var candidate = original
        candidate.body = []
        if rejects(candidate, in: program, maps: maps) { return original.predicate?.range }
        for count in 1...max(1, original.body.count) where count <= original.body.count {
            candidate.body = Array(original.body.prefix(count))
            if rejects(candidate, in: program, maps: maps) {
                return narrow(original.body[count - 1], unit: candidate, in: program, maps: maps)
            }
        }
        return nil
    }

    /// Inside an if/while/block that is rejected, look for the statement within it.
    private func narrow(
        _ statement: Stmt, unit: ProbeUnit, in program: CheckedProgram, maps: [Int32: BackendMap]
    ) -> SourceRange {
        let inner: [Stmt]
        switch statement.kind {
        case .ifElse(_, let then, _): inner = then
        case .whileLoop(_, let body), .unroll(_, let body), .forRange(_, _, _, let body), .block(let body): inner = body
        default: return statement.range
        }
        guard !inner.isEmpty else { return statement.range }
        // A loop the verifier cannot bound is the loop's fault, not its body's: point at it.
        if isLoop(statement), let log = rejection(unit, in: program, maps: maps), VerifierDiagnostics.isLoopProblem(log)
        {
            return statement.range
        }
        var prefix = unit.body
        prefix.removeLast()
        for count in 0...inner.count {
            var trial = unit
            trial.body =
                prefix + [
                    Stmt(kind: replacingBody(of: statement, with: Array(inner.prefix(count))), range: statement.range)
                ]
            if rejects(trial, in: program, maps: maps) {
                return count == 0 ? statement.range : inner[count - 1].range
            }
        }
        return statement.range
    }

    private func replacingBody(of statement: Stmt, with body: [Stmt]) -> StmtKind {
        switch statement.kind {
        case .ifElse(let condition, _, let otherwise): return .ifElse(condition: condition, then: body, else: otherwise)
        case .whileLoop(let condition, _): return .whileLoop(condition: condition, body: body)
        case .unroll(let count, _): return .unroll(count: count, body: body)
        case .forRange(let name, let from, let to, _): return .forRange(variable: name, from: from, to: to, body: body)
        case .block: return .block(body)
        default: return statement.kind
        }
    }

    private func isLoop(_ statement: Stmt) -> Bool {
        switch statement.kind {
        case .whileLoop, .forRange, .unroll: return true
        default: return false
        }
    }

    private func rejects(_ unit: ProbeUnit, in program: CheckedProgram, maps: [Int32: BackendMap]) -> Bool {
        rejection(unit, in: program, maps: maps) != nil
    }

    /// The verifier's log when it rejects `unit` alone, nil when the unit loads.
    private func rejection(_ unit: ProbeUnit, in program: CheckedProgram, maps: [Int32: BackendMap]) -> String? {
        var trial = program
        trial.units = [unit]
        guard let compiled = try? Compiler(options: options).compile(trial), let spec = compiled.programs.first else {
            return nil
        }
        do {
            let loaded = try backend.loadProgram(spec, maps: maps)
            loaded.close()
            return nil
        } catch KernelError.verifierRejected(_, let log, _) {
            return log
        } catch {
            return nil
        }
    }
}
