/// One builtin variable (`pid`, `comm`, `args`, `retval`...): its type and the probes that
/// may read it. How it is read is Codegen's `VariableLoweringTable` row of the same name.
public struct BuiltinVariable: Sendable {
    public var name: String
    /// The type, which for `probe` and `func` depends on the attach point's text.
    public var type: @Sendable (ProbeTarget) -> SType
    /// The probes that may read it; nil when any probe may.
    public var probes: ProbeRequirement?

    public init(name: String, type: SType, probes: ProbeRequirement? = nil) {
        self.init(name: name, typeIn: { _ in type }, probes: probes)
    }

    public init(name: String, typeIn: @escaping @Sendable (ProbeTarget) -> SType, probes: ProbeRequirement? = nil) {
        self.name = name
        self.type = typeIn
        self.probes = probes
    }

    /// The text of `probe`, `probetype` or `func` for an attach point. `probetype` is the
    /// provider's name, and "special" for BEGIN and END as in bpftrace.
    public static func probeString(_ name: String, _ target: ProbeTarget) -> String {
        if name == "probe" { return target.name }
        if name == "probetype" {
            return target.kind == .begin || target.kind == .end ? "special" : target.kind.rawValue
        }
        return target.parts.last ?? target.name
    }
}

/// The builtin variables a program may read: a value in `SemanticAnalyzer.Options`.
public struct BuiltinVariableTable: Sendable {
    private var rows: [String: BuiltinVariable] = [:]

    public init(_ variables: [BuiltinVariable]) {
        for variable in variables { add(variable) }
    }

    public subscript(name: String) -> BuiltinVariable? { rows[name] }

    public var names: [String] { rows.keys.sorted() }

    /// Adds a row, or replaces the row of the same name.
    public mutating func add(_ variable: BuiltinVariable) { rows[variable.name] = variable }

    public static let builtin: BuiltinVariableTable = {
        let u32 = SType.int(bytes: 4, signed: false)
        var rows: [BuiltinVariable] = ["pid", "tid", "uid", "gid", "cpu", "ncpus", "cpid", "rand"].map {
            BuiltinVariable(name: $0, type: u32)
        }
        rows += [
            BuiltinVariable(name: "true", type: .bool), BuiltinVariable(name: "false", type: .bool),
            BuiltinVariable(name: "username", type: .named(.user)), BuiltinVariable(name: "numaid", type: u32),
        ]
        rows += ["nsecs", "elapsed", "cgroup", "jiffies"].map { BuiltinVariable(name: $0, type: .u64) }
        rows += [
            BuiltinVariable(name: "comm", type: .string(size: 16)),
            // As in bpftrace, BEGIN and END have stacks too (those of the run that fires them).
            BuiltinVariable(name: "kstack", type: .kstack(limit: 127)),
            BuiltinVariable(name: "ustack", type: .ustack(limit: 127)),
            BuiltinVariable(name: "retval", type: .s64, probes: returning),
            BuiltinVariable(name: "curtask", type: .pointer(pointee: "struct task_struct")),
            // The probe's context as an address, to cast to a struct the program defines.
            BuiltinVariable(name: "ctx", type: .pointer(pointee: "void")),
            BuiltinVariable(name: "args", type: .context, probes: withArguments),
        ]
        for index in 0..<6 {
            rows.append(BuiltinVariable(name: "arg\(index)", type: .u64, probes: numberedArgument(index)))
            rows.append(BuiltinVariable(name: "sarg\(index)", type: .s64, probes: numberedArgument(index)))
        }
        // Strings fixed per attach point.
        for name in ["probe", "probetype", "func"] {
            rows.append(
                BuiltinVariable(
                    name: name, typeIn: { .string(size: BuiltinVariable.probeString(name, $0).utf8.count + 1) }))
        }
        return BuiltinVariableTable(rows)
    }()

    /// Providers whose row says they have a return value (`ProviderDescriptor.hasReturnValue`).
    static let returning = ProbeRequirement("kretprobe, uretprobe and fexit probes") { _, site in
        site.provider.hasReturnValue ? nil : "retval is only available in kretprobe, uretprobe and fexit probes"
    }

    static let withArguments = ProbeRequirement("probes with arguments") { _, site in
        site.context.layout == .none || site.context.layout == .perfEvent
            ? "'args' is not available in \(site.target.kind.rawValue) probes" : nil
    }

    /// arg0..5 and sarg0..5: registers, or the argument array when it has that many.
    static func numberedArgument(_ index: Int) -> ProbeRequirement {
        ProbeRequirement("kprobe, uprobe and raw tracepoint probes") { name, site in
            let context = site.context
            switch context.layout {
            case .registers:
                guard let usdt = context.usdtArguments, index >= usdt.count else { return nil }
                return "\(site.target.name) has \(usdt.count) arguments; \(name) is not one of them"
            case .argumentArray:
                guard index >= context.fields.count && !context.fields.isEmpty else { return nil }
                return "\(site.target.name) has \(context.fields.count) arguments; \(name) is not one of them"
            default:
                return
                    "\(name) is only available in kprobe, uprobe and raw tracepoint probes; tracepoints use args.FIELD"
            }
        }
    }
}
