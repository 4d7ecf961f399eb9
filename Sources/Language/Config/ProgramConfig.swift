/// Config values set for a program: by the session (the environment's `BPFTRACE_*`
/// variables, the shell's `config` command) and by the program's `config` block. As in
/// bpftrace, the session's (environment's) setting wins over the block's.
public struct ProgramConfig: Sendable, Hashable {
    /// Canonical name → value, only for variables explicitly set.
    public var values: [String: ConfigValue] = [:]

    public init(values: [String: ConfigValue] = [:]) { self.values = values }

    /// The `BPFTRACE_*` variables of `environment` that name config variables; a value that
    /// does not fit is reported and left out.
    public static func fromEnvironment(
        _ environment: [String: String], table: ConfigTable = .builtin
    ) -> (config: ProgramConfig, problems: [String]) {
        var config = ProgramConfig()
        var problems: [String] = []
        for variable in table.variables {
            guard let text = environment[variable.environmentName] else { continue }
            if let value = variable.parse(text) {
                config.values[variable.name] = value
            } else {
                problems.append("\(variable.environmentName)=\(text) is not \(variable.expected); ignored")
            }
        }
        return (config, problems)
    }

    public func integer(_ name: String) -> Int? {
        if case .integer(let n) = values[name] { return Int(clamping: n) }
        return nil
    }

    public func boolean(_ name: String) -> Bool? {
        if case .boolean(let b) = values[name] { return b }
        return nil
    }

    public func string(_ name: String) -> String? {
        if case .string(let s) = values[name] { return s }
        return nil
    }

    public var maxMapKeys: Int? { integer("max_map_keys") }
    public var printMapsOnExit: Bool { boolean("print_maps_on_exit") ?? true }
    public var missingProbes: String { string("missing_probes") ?? "error" }
    public var maxProbes: Int { integer("max_probes") ?? 1024 }
    public var maxBPFPrograms: Int { integer("max_bpf_progs") ?? 1024 }
    public var maxStrlen: Int? { integer("max_strlen") }
    /// How `kstack`/`ustack` print unless a call names a mode.
    public var stackMode: StackMode { string("stack_mode").flatMap(StackMode.init(rawValue:)) ?? .bpftrace }
}
