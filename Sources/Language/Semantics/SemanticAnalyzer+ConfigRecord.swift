/// `config().NAME`, `config.NAME` and `__builtin_config.NAME`: bpftrace's record of the
/// program's configuration, read field by field. A field is the effective value (the
/// session's setting, the program's config block, else the default), fixed when the program
/// is compiled, so it is a constant of the program.
extension SemanticAnalyzer {
    static func isConfigRecord(_ expr: Expr) -> Bool {
        switch expr.kind {
        case .call("config", let args): return args.isEmpty
        case .builtin("config"), .builtin("__builtin_config"): return true
        default: return false
        }
    }

    mutating func configField(_ name: String, _ expr: Expr) -> SType {
        guard let variable = options.configTable[name] else {
            error("config has no variable '\(name)'", expr.range)
            return .s64
        }
        let value: ConfigValue? = config.values[variable.name] ?? variable.parse(variable.defaultValue)
        switch value {
        case .integer(let n):
            constants[expr.id] = n
            return .u64
        case .boolean(let b):
            constants[expr.id] = b ? 1 : 0
            return .bool
        case .string(let text):
            stringConstants[expr.id] = text
            return .string(size: text.utf8.count + 1)
        case .none:
            error("config.\(name) has no value", expr.range)
            return .s64
        }
    }
}
