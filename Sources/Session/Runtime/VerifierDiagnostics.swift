import Language

/// Explains a verifier rejection in terms of the source: the probe that failed, the
/// verifier's own reason, and advice for the usual causes.
enum VerifierDiagnostics {
    static func diagnose(
        log: String, instruction: Int?, unit: ProbeUnit, program: String, culprit: SourceRange? = nil
    ) -> Diagnostic {
        let lines = log.split(separator: "\n").map(String.init)
        // The verifier's reason is its last line of prose: not the statistics at the end, an
        // instruction, a register state or a state dump of its loop detection.
        let reason =
            lines.last { line in
                !line.isEmpty && !line.hasPrefix("processed ") && !line.hasPrefix("verification time")
                    && !line.hasPrefix("stack depth")
                    && !line.hasPrefix("old state:") && !line.hasPrefix("cur state:") && !line.hasPrefix("mark_precise")
                    && !line.hasPrefix("last_idx") && !line.hasPrefix("regs=") && !line.hasPrefix(";")
                    && !(line.first?.isNumber ?? false)
            } ?? lines.last ?? "rejected"
        var notes: [String] = []
        if isLoopProblem(log) {
            notes.append(
                "loops must have a bound the verifier can prove: use a counter with a small limit, or unroll(N)")
        }
        if reason.contains("stack") && reason.contains("limit") || log.contains("combined stack size") {
            notes.append("BPF programs have 512 bytes of stack: use shorter strings (str(x, 32)) or fewer variables")
        }
        if reason.contains("invalid mem access") {
            notes.append("memory outside the probe's context must be read through str() or a pointer dereference")
        }
        if let instruction { notes.append("the verifier stopped at instruction \(instruction) of \(program)") }
        if let culprit {
            return Diagnostic(
                "the kernel's verifier rejected this in \(unit.target.name): \(reason)", at: culprit, notes: notes)
        }
        return Diagnostic(
            "the kernel's verifier rejected the probe \(unit.target.name): \(reason)", at: unit.range, notes: notes)
    }

    /// The verifier gave up on a loop: it found no bound, or walking it was too long.
    static func isLoopProblem(_ log: String) -> Bool {
        log.contains("back-edge") || log.contains("infinite loop") || log.contains("BPF program is too large")
    }
}
