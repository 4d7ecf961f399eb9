/// Checks a program's `config` block against the table and merges it under the session's
/// settings. Unknown names and bad values are errors; an ignored variable is a warning, once.
enum ResolveConfig {
    static func run(
        _ assignments: [ConfigAssignment], session: ProgramConfig, table: ConfigTable
    ) -> (config: ProgramConfig, errors: [Diagnostic], warnings: [Diagnostic]) {
        var config = ProgramConfig()
        var errors: [Diagnostic] = []
        var warnings: [Diagnostic] = []
        for assignment in assignments {
            guard let variable = table[assignment.name] else {
                let names = table.variables.map(\.name)
                let close = Suggestions.closest(to: ConfigTable.canonical(assignment.name), in: names)
                errors.append(
                    Diagnostic(
                        "unknown config variable '\(assignment.name)'", at: assignment.range,
                        notes: close.isEmpty
                            ? ["config variables: " + names.joined(separator: ", ")]
                            : ["did you mean " + close.joined(separator: ", ") + "?"]))
                continue
            }
            guard let value = variable.parse(assignment.value) else {
                errors.append(Diagnostic(variable.invalidValueMessage(assignment.value), at: assignment.valueRange))
                continue
            }
            config.values[variable.name] = value
            if case .ignored(let reason) = variable.support {
                warnings.append(
                    Diagnostic(
                        "config variable '\(variable.name)' is accepted but ignored: \(reason)", at: assignment.range,
                        severity: .warning))
            }
        }
        // The session's settings (the environment) take precedence, as in bpftrace.
        config.values.merge(session.values) { _, session in session }
        return (config, errors, warnings)
    }
}
