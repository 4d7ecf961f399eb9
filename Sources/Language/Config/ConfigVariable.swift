/// One of bpftrace's config variables: a row of `ConfigTable`, read by the `config` block,
/// the `BPFTRACE_*` environment variables, the shell's `config` command and the docs.
public struct ConfigVariable: Sendable {
    public enum Kind: Sendable, Hashable {
        case integer
        case boolean
        case string
        case choice([String])
    }
    /// Whether bpfsh acts on the variable, and how; or why it accepts and ignores it.
    public enum Support: Sendable, Hashable {
        case honoured(String)
        case ignored(String)
    }
    public var name: String
    public var kind: Kind
    public var defaultValue: String
    public var summary: String
    public var support: Support

    /// `stack_mode` is set from the environment as `BPFTRACE_STACK_MODE`.
    public var environmentName: String { "BPFTRACE_" + name.uppercased() }

    /// Reads a value as written in a config block or the environment.
    public func parse(_ text: String) -> ConfigValue? {
        switch kind {
        case .integer:
            return UInt64(text.filter { $0 != "_" }).map(ConfigValue.integer)
        case .boolean:
            switch text.lowercased() {
            case "true", "1", "on", "yes": return .boolean(true)
            case "false", "0", "off", "no": return .boolean(false)
            default: return nil
            }
        case .string: return .string(text)
        case .choice(let options):
            return options.first { $0.lowercased() == text.lowercased() }.map(ConfigValue.string)
        }
    }

    /// What values are allowed, for error messages.
    /// Why `value` cannot be set: bpftrace's words for a value outside a list (a license it
    /// does not know), bpfsh's for the others.
    public func invalidValueMessage(_ value: String) -> String {
        if case .choice = kind { return "Invalid value for \(name). Found: \(value). Valid values: \(expected)" }
        return "invalid value '\(value)' for \(name): expected \(expected)"
    }

    public var expected: String {
        switch kind {
        case .integer: return "a non-negative integer"
        case .boolean: return "true or false"
        case .string: return "a string"
        case .choice(let options): return options.joined(separator: ", ")
        }
    }
}

public enum ConfigValue: Sendable, Hashable, CustomStringConvertible {
    case integer(UInt64)
    case boolean(Bool)
    case string(String)

    public var description: String {
        switch self {
        case .integer(let n): return String(n)
        case .boolean(let b): return b ? "true" : "false"
        case .string(let s): return s
        }
    }
}

/// `name = value` in a config block, as written.
public struct ConfigAssignment: Sendable {
    public var name: String
    public var value: String
    public var range: SourceRange
    public var valueRange: SourceRange
}
