import Language

/// Explains a verifier rejection in terms of the source: the probe that failed, the
/// verifier's own reason, and advice for the usual causes.
enum VerifierDiagnostics {
    static func diagnose(log: String, instruction: Int?, unit: ProbeUnit, program: String, culprit: SourceRange? = nil) -> Diagnostic {
        let lines = log.split(separator: "\n").map(String.init)
        let reason = lines.last { line in
            !line.isEmpty && !line.hasPrefix("processed ") && !line.hasPrefix("verification time") && !line.hasPrefix("stack depth")
                && !(line.first?.isNumber ?? false)
        } ?? lines.last ?? "rejected"
        var notes: [String] = []
        if reason.contains("back-edge") || reason.contains("infinite loop") || log.contains("BPF program is too large") {
            notes.append("loops must have a bound the verifier can prove: use a counter with a small limit, or unroll(N)")
        }
        if reason.contains("stack") && reason.contains("limit") || log.contains("combined stack size") {
            notes.append("BPF programs have 512 bytes of stack: use shorter strings (str(x, 32)) or fewer variables")
        }
        if reason.contains("invalid mem access") {
            notes.append("memory outside the probe's context must be read through str() or a pointer dereference")
        }
        if let instruction { notes.append("the verifier stopped at instruction \(instruction) of \(program)") }
        if let culprit {
            return Diagnostic("the kernel's verifier rejected this in \(unit.target.name): \(reason)", at: culprit, notes: notes)
        }
        return Diagnostic("the kernel's verifier rejected the probe \(unit.target.name): \(reason)", at: unit.range, notes: notes)
    }
}
