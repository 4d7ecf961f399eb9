import Language
import Session

/// `config`: bpftrace's config variables for the session. A value set here applies to probes
/// defined afterwards and wins over a program's `config` block, as the environment does.
enum ConfigCommands {
    static let all: [Command] = [
        Command(
            name: "config", usage: "config [NAME [VALUE | --reset]]",
            summary: "show or set bpftrace's config variables (max_map_keys, missing_probes...) for later probes",
            details: "Values set here (or by BPFTRACE_* environment variables) win over a program's config block."
        ) { shell, args, _ in
            let table = ConfigTable.builtin
            guard let name = args.first else {
                shell.showColumns(
                    headers: ["variable", "value", "bpfsh"],
                    rows: table.variables.map { row in
                        [row.name, value(of: row, in: shell.session.options.config), support(row)]
                    })
                return
            }
            guard let row = table[name] else {
                let close = Suggestions.closest(to: ConfigTable.canonical(name), in: table.variables.map(\.name))
                throw CommandError(
                    "unknown config variable '\(name)'"
                        + (close.isEmpty ? " (see: config)" : "; did you mean \(close[0])?"))
            }
            guard args.count >= 2 else {
                shell.print(
                    "\(row.name) = \(value(of: row, in: shell.session.options.config)): \(row.summary)\n"
                        + "environment: \(row.environmentName); \(support(row))")
                return
            }
            if args[1] == "--reset" {
                shell.session.options.config.values[row.name] = nil
                shell.print("\(row.name) = \(row.defaultValue) (default)")
                return
            }
            let text = args.dropFirst().joined(separator: " ")
            guard let parsed = row.parse(text) else {
                throw CommandError(row.invalidValueMessage(text))
            }
            shell.session.options.config.values[row.name] = parsed
            shell.print("\(row.name) = \(parsed) for probes defined from now on")
            if case .ignored(let reason) = row.support { shell.print("note: bpfsh ignores \(row.name): \(reason)") }
        }
    ]

    private static func value(of row: ConfigVariable, in config: ProgramConfig) -> String {
        config.values[row.name].map { "\($0)" } ?? "\(row.defaultValue) (default)"
    }

    private static func support(_ row: ConfigVariable) -> String {
        switch row.support {
        case .honoured(let how): return "honoured: " + how
        case .ignored(let why): return "ignored: " + why
        }
    }
}
