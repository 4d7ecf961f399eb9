import Language

/// A made-up kernel, described in memory, so the type checker can be tested without
/// tracefs, BTF or root. Layouts follow the real x86-64 tracepoint formats.
public final class FakeCatalogue: ProbeCatalogue {
    /// The probe types it knows; a test may add a row.
    public var providers: ProviderTable

    /// The fake kernel describes its types with BTF, as the machines bpfsh targets do.
    public var hasBTF = true
    public init(providers: ProviderTable = .builtin) { self.providers = providers }

    public static let tracepoints: [(name: String, fields: [ContextField])] = [
        (
            "sched:sched_switch",
            [
                ContextField(name: "prev_comm", offset: 8, size: 16, kind: .charArray(length: 16)),
                ContextField(name: "prev_pid", offset: 24, size: 4, kind: .integer(signed: true)),
                ContextField(name: "prev_prio", offset: 28, size: 4, kind: .integer(signed: true)),
                ContextField(name: "prev_state", offset: 32, size: 8, kind: .integer(signed: true)),
                ContextField(name: "next_comm", offset: 40, size: 16, kind: .charArray(length: 16)),
                ContextField(name: "next_pid", offset: 56, size: 4, kind: .integer(signed: true)),
                ContextField(name: "next_prio", offset: 60, size: 4, kind: .integer(signed: true)),
            ]
        ),
        (
            "sched:sched_wakeup",
            [
                ContextField(name: "comm", offset: 8, size: 16, kind: .charArray(length: 16)),
                ContextField(name: "pid", offset: 24, size: 4, kind: .integer(signed: true)),
                ContextField(name: "prio", offset: 28, size: 4, kind: .integer(signed: true)),
                ContextField(name: "target_cpu", offset: 32, size: 4, kind: .integer(signed: true)),
            ]
        ),
        (
            "sched:sched_process_exec",
            [
                ContextField(name: "filename", offset: 8, size: 4, kind: .dataLocString),
                ContextField(name: "pid", offset: 12, size: 4, kind: .integer(signed: true)),
                ContextField(name: "old_pid", offset: 16, size: 4, kind: .integer(signed: true)),
            ]
        ),
        (
            "syscalls:sys_enter_openat",
            [
                ContextField(name: "__syscall_nr", offset: 8, size: 4, kind: .integer(signed: true)),
                ContextField(name: "dfd", offset: 16, size: 8, kind: .integer(signed: true)),
                ContextField(name: "filename", offset: 24, size: 8, kind: .pointer(pointee: "char")),
                ContextField(name: "flags", offset: 32, size: 8, kind: .integer(signed: true)),
                ContextField(name: "mode", offset: 40, size: 8, kind: .integer(signed: false)),
            ]
        ),
        (
            "syscalls:sys_exit_openat",
            [
                ContextField(name: "__syscall_nr", offset: 8, size: 4, kind: .integer(signed: true)),
                ContextField(name: "ret", offset: 16, size: 8, kind: .integer(signed: true)),
            ]
        ),
        (
            "raw_syscalls:sys_enter",
            [
                ContextField(name: "id", offset: 8, size: 8, kind: .integer(signed: true))
            ]
        ),
        (
            "syscalls:sys_enter_read",
            [
                ContextField(name: "__syscall_nr", offset: 8, size: 4, kind: .integer(signed: true)),
                ContextField(name: "fd", offset: 16, size: 8, kind: .integer(signed: false)),
                ContextField(name: "buf", offset: 24, size: 8, kind: .pointer(pointee: "char")),
                ContextField(name: "count", offset: 32, size: 8, kind: .integer(signed: false)),
            ]
        ),
    ]

    /// Raw tracepoints (and tp_btf): arguments of the BTF prototype, one u64 slot each.
    static let rawTracepoints: [(name: String, fields: [ContextField])] = [
        (
            "sched_switch",
            [
                ContextField(name: "preempt", offset: 0, size: 1, kind: .integer(signed: false)),
                ContextField(name: "prev", offset: 8, size: 8, kind: .pointer(pointee: "struct task_struct")),
                ContextField(name: "next", offset: 16, size: 8, kind: .pointer(pointee: "struct task_struct")),
            ]
        ),
        (
            "sys_enter",
            [
                ContextField(name: "regs", offset: 0, size: 8, kind: .pointer(pointee: "struct pt_regs")),
                ContextField(name: "id", offset: 8, size: 8, kind: .integer(signed: true)),
            ]
        ),
    ]

    /// Traceable kernel functions, with the fentry argument layout.
    static let functions: [(name: String, fields: [ContextField])] = [
        (
            "vfs_read",
            [
                ContextField(name: "file", offset: 0, size: 8, kind: .pointer(pointee: "struct file")),
                ContextField(name: "buf", offset: 8, size: 8, kind: .pointer(pointee: "char")),
                ContextField(name: "count", offset: 16, size: 8, kind: .integer(signed: false)),
                ContextField(name: "pos", offset: 24, size: 8, kind: .pointer(pointee: "long long")),
            ]
        ),
        (
            "vfs_write",
            [
                ContextField(name: "file", offset: 0, size: 8, kind: .pointer(pointee: "struct file")),
                ContextField(name: "buf", offset: 8, size: 8, kind: .pointer(pointee: "char")),
                ContextField(name: "count", offset: 16, size: 8, kind: .integer(signed: false)),
                ContextField(name: "pos", offset: 24, size: 8, kind: .pointer(pointee: "long long")),
            ]
        ),
        ("do_sys_openat2", []),
        ("tcp_sendmsg", []),
    ]

    static let symbols: [String: UInt64] = [
        "jiffies": 0xffff_ffff_82a0_b000,
        "init_task": 0xffff_ffff_8261_a940,
        "vfs_read": 0xffff_ffff_8140_1230,
    ]

    public func expand(_ target: ProbeTarget) throws -> [ProbeTarget] {
        switch target.kind {
        case .tracepoint:
            let pattern = target.parts.joined(separator: ":")
            let names = FakeCatalogue.tracepoints.map(\.name).filter { globMatch(pattern, $0) }
            if names.isEmpty && !target.hasWildcard {
                throw CatalogueError(
                    "No matches for tracepoint \(pattern).",
                    notes: ["list them with: bpfsh -l 'tracepoint:*'"])
            }
            return names.map { ProbeTarget(kind: .tracepoint, parts: $0.split(separator: ":").map(String.init)) }
        case .rawtracepoint, .tpBTF:
            let names = FakeCatalogue.rawTracepoints.map(\.name).filter { globMatch(target.parts[0], $0) }
            if names.isEmpty && !target.hasWildcard {
                throw CatalogueError("\(target.kind.rawValue) '\(target.parts[0])' does not exist on this kernel")
            }
            return names.map { ProbeTarget(kind: target.kind, parts: [$0]) }
        case .kprobe, .kretprobe, .fentry, .fexit:
            let pattern = target.parts.last ?? ""
            let names = FakeCatalogue.functions.map(\.name).filter { globMatch(pattern, $0) }
            if names.isEmpty && !target.hasWildcard {
                throw CatalogueError("kernel function '\(pattern)' cannot be traced")
            }
            return names.map { ProbeTarget(kind: target.kind, parts: Array(target.parts.dropLast()) + [$0]) }
        default:
            return [target]
        }
    }

    public func context(for target: ProbeTarget) throws -> ProbeContext {
        guard let shape = providers[target.kind]?.context else { throw CatalogueError("no provider \(target.kind)") }
        switch shape {
        case .none:
            return ProbeContext(layout: .none)
        case .tracepointRecord:
            let name = target.parts.joined(separator: ":")
            guard let entry = FakeCatalogue.tracepoints.first(where: { $0.name == name }) else {
                throw CatalogueError("no format for \(name)")
            }
            return ProbeContext(layout: .tracepointRecord, fields: entry.fields)
        case .rawTracepointArguments:
            let fields = FakeCatalogue.rawTracepoints.first { $0.name == target.parts.last }?.fields ?? []
            return ProbeContext(layout: .argumentArray, fields: fields)
        case .functionArguments:
            let fields = FakeCatalogue.functions.first { $0.name == target.parts.last }?.fields ?? []
            return ProbeContext(layout: .argumentArray, fields: fields)
        case .registers:
            return ProbeContext(layout: .registers)
        case .perfEvent:
            return ProbeContext(layout: .perfEvent)
        }
    }

    public func kernelAddress(of symbol: String) -> UInt64? { FakeCatalogue.symbols[symbol] }

    /// A little of the kernel's BTF: members of a few structs.
    static let structs: [String: [ContextField]] = [
        "struct task_struct": [
            ContextField(name: "se", offset: 128, size: 256, kind: .record(name: "struct sched_entity")),
            ContextField(name: "real_parent", offset: 1480, size: 8, kind: .pointer(pointee: "struct task_struct")),
            ContextField(name: "pid", offset: 1496, size: 4, kind: .integer(signed: true)),
            ContextField(name: "tgid", offset: 1500, size: 4, kind: .integer(signed: true)),
            ContextField(name: "comm", offset: 1912, size: 16, kind: .charArray(length: 16)),
        ],
        "struct sched_entity": [
            ContextField(name: "vruntime", offset: 88, size: 8, kind: .integer(signed: false))
        ],
        "struct file": [
            ContextField(name: "f_flags", offset: 64, size: 4, kind: .integer(signed: false))
        ],
        "struct trace_iterator": [
            ContextField(name: "cpu", offset: 88, size: 4, kind: .integer(signed: true))
        ],
    ]

    public func member(of typeName: String, named name: String) -> ContextField? {
        FakeCatalogue.structs[typeName]?.first { $0.name == name }
    }

    public func members(of typeName: String) -> [ContextField]? { FakeCatalogue.structs[typeName] }

    /// Sizes of the fake kernel's structs (as x86-64 BTF gives them), and one too large to
    /// read whole.
    static let structSizes = [
        "struct task_struct": 1928, "struct sched_entity": 256, "struct file": 184, "struct trace_iterator": 16600,
    ]

    public func recordSize(of typeName: String) -> Int? { FakeCatalogue.structSizes[typeName] }

    /// A few enumerators of the kernel's BTF.
    static let enumerators: [String: Int64] = [
        "SKB_DROP_REASON_NOT_SPECIFIED": 2, "TCP_ESTABLISHED": 1, "TCP_CLOSE": 7, "TASK_RUNNING": 99,
    ]

    public func enumValue(named name: String) -> Int64? { FakeCatalogue.enumerators[name] }
}

/// Shell-style matching of `*` and `?`, enough for the fake catalogue.
public func globMatch(_ pattern: String, _ text: String) -> Bool {
    let p = Array(pattern.utf8), t = Array(text.utf8)
    var pi = 0, ti = 0, star = -1, mark = 0
    while ti < t.count {
        if pi < p.count && (p[pi] == UInt8(ascii: "?") || p[pi] == t[ti]) {
            pi += 1
            ti += 1
        } else if pi < p.count && p[pi] == UInt8(ascii: "*") {
            star = pi
            mark = ti
            pi += 1
        } else if star >= 0 {
            pi = star + 1
            mark += 1
            ti = mark
        } else {
            return false
        }
    }
    while pi < p.count && p[pi] == UInt8(ascii: "*") { pi += 1 }
    return pi == p.count
}
