import Kernel
import Language

extension OneShotRun {
    /// `--dry-run`: every program is compiled and loaded through the verifier, nothing is
    /// attached and nothing runs. Providers this kernel cannot attach (kprobes) still expand,
    /// from BTF, so their code is checked here; a program the kernel cannot even load (fentry
    /// without trampolines) is compiled and reported with the reason.
    func verify(_ source: SourceFile) -> Outcome {
        var sessionOptions = TracingSession.Options()
        sessionOptions.positionalParameters = options.positionalParameters
        sessionOptions.namedParameters = options.namedParameters
        sessionOptions.allowUnsafe = options.allowUnsafe
        sessionOptions.excludesOwnProcess = options.excludesOwnProcess
        sessionOptions.probeFilter = options.probeFilter
        sessionOptions.countsFired = false
        sessionOptions.eventRingBytes = nil
        let live = LiveKernel(verifyOnly: true, targetPID: options.targetPID)
        let sink = options.format.sink(output: output, errors: errors)
        let session = TracingSession(
            backend: live.backend, catalogue: live.catalogue, options: sessionOptions, sink: sink)
        defer { session.close() }
        let programs: [VerifiedProgram]
        do {
            programs = try session.verify(text: source.text, sourceName: source.name)
        } catch SessionError.diagnostics(let list, _) {
            errors(list.rendered(in: source, style: options.diagnosticStyle))
            return .compileError
        } catch SessionError.rejected(let list, _) {
            errors(list.rendered(in: source, style: options.diagnosticStyle))
            return .kernelError
        } catch {
            errors("bpfsh: \(error)\n")
            return .kernelError
        }
        errors(Self.dryRunReport(programs))
        return .finished(0)
    }

    /// One line per program the kernel could not load, then the summary.
    static func dryRunReport(_ programs: [VerifiedProgram]) -> String {
        var text = ""
        for program in programs {
            guard let reason = program.notLoaded else { continue }
            text += "\(program.attachPoint): compiled (\(program.instructions) instructions), not loaded: \(reason)\n"
        }
        let verified = programs.filter { $0.notLoaded == nil }
        let instructions = verified.reduce(0) { $0 + $1.instructions }
        let plural = programs.count == 1 ? "" : "s"
        text +=
            "dry run: \(verified.count) of \(programs.count) program\(plural) passed the verifier "
            + "(\(instructions) instructions); nothing was attached\n"
        return text
    }
}
