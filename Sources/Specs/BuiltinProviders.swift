extension ProviderTable {
    /// The providers bpfsh ships with, one row each.
    public static let builtin = ProviderTable([
        ProviderDescriptor(
            kind: .begin, aliases: ["begin"], summary: "runs once when the probe is attached", grammar: .none,
            context: .none, programType: .rawTracepoint, firesInShellContext: true, isRunNotAttached: true),
        ProviderDescriptor(
            kind: .end, aliases: ["end"], summary: "runs once when the probe is detached or bpfsh exits",
            grammar: .none, context: .none, programType: .rawTracepoint, firesInShellContext: true,
            isRunNotAttached: true),
        ProviderDescriptor(
            kind: .interval, aliases: ["i"], summary: "a timer on one CPU",
            grammar: .rate(example: "interval:s:1", allowsNanoseconds: false), context: .perfEvent,
            programType: .perfEvent, requires: .perfSampling, completion: .rateUnits, firesInShellContext: true),
        ProviderDescriptor(
            kind: .profile, aliases: ["p"], summary: "samples every CPU at a rate",
            grammar: .rate(example: "profile:hz:99", allowsNanoseconds: true), context: .perfEvent,
            programType: .perfEvent, requires: .perfSampling, completion: .rateUnits, firesInShellContext: true),
        ProviderDescriptor(
            kind: .software, aliases: ["s"], summary: "a software perf event (page-faults, cpu-clock...)",
            grammar: .perfEvent(example: "software:page-faults:100"), context: .perfEvent, programType: .perfEvent,
            requires: .perfSampling, listing: .softwareEvents, completion: .softwareEvents),
        ProviderDescriptor(
            kind: .hardware, aliases: ["h"], summary: "a hardware counter (cycles, cache-misses...)",
            grammar: .perfEvent(example: "software:page-faults:100"), context: .perfEvent, programType: .perfEvent,
            requires: .hardwarePMCs,
            unavailableNote: "software events such as software:cpu-clock and software:page-faults still work",
            listing: .hardwareEvents),
        ProviderDescriptor(
            kind: .tracepoint, aliases: ["t"], summary: "a static kernel tracepoint, args typed by its format",
            grammar: .categoryEvent(example: "tracepoint:sched:sched_switch"), context: .tracepointRecord,
            programType: .tracepoint, requires: .tracepoints, listing: .tracepoints, completion: .tracepoints),
        ProviderDescriptor(
            kind: .rawtracepoint, aliases: ["rt"], summary: "a tracepoint's raw arguments, typed by BTF",
            grammar: .event(example: "rawtracepoint:sched_switch"), context: .rawTracepointArguments,
            programType: .rawTracepoint, requires: .rawTracepoints, listing: .rawTracepoints,
            completion: .rawTracepoints),
        ProviderDescriptor(
            kind: .tpBTF, aliases: ["btf"], summary: "a BTF-typed raw tracepoint (tp_btf)",
            grammar: .event(example: "tp_btf:sched_switch"), context: .rawTracepointArguments,
            programType: .tracing, attachType: .traceRawTracepoint, requires: .tpBTF, completion: .rawTracepoints),
        ProviderDescriptor(
            kind: .uprobe, aliases: ["u"], summary: "entry of a function in a program or library",
            grammar: .binaryFunction(allowsProvider: false), context: .registers, programType: .kprobe,
            requires: .uprobes, completion: .binaryFunctions, addressSpace: .user, entersUserFunction: true),
        ProviderDescriptor(
            kind: .uretprobe, aliases: ["ur"], summary: "return of a function in a program or library",
            grammar: .binaryFunction(allowsProvider: false), context: .registers, programType: .kprobe,
            requires: .uprobes, completion: .binaryFunctions, addressSpace: .user, hasReturnValue: true),
        ProviderDescriptor(
            kind: .kprobe, aliases: ["k"], summary: "entry of any kernel function",
            grammar: .kernelFunction(example: "kprobe:vfs_read"), context: .registers, programType: .kprobe,
            requires: .kprobes,
            unavailableNote: "kprobes need CONFIG_KPROBES; tracepoints, raw tracepoints (tp_btf) and uprobes work here",
            suggestsCoveringTracepoints: true, listing: .kernelFunctions),
        ProviderDescriptor(
            kind: .kretprobe, aliases: ["kr"], summary: "return of any kernel function",
            grammar: .kernelFunction(example: "kretprobe:vfs_read"), context: .registers, programType: .kprobe,
            requires: .kprobes,
            unavailableNote: "kprobes need CONFIG_KPROBES; tracepoints, raw tracepoints (tp_btf) and uprobes work here",
            suggestsCoveringTracepoints: true, hasReturnValue: true),
        ProviderDescriptor(
            kind: .fentry, aliases: ["f", "kfunc"], summary: "entry of a kernel function through a BPF trampoline",
            grammar: .kernelFunction(example: "fentry:vfs_read"), context: .functionArguments, programType: .tracing,
            attachType: .traceFentry, requires: .fentry,
            unavailableNote: "fentry/fexit need BPF trampolines, which this kernel refuses",
            suggestsCoveringTracepoints: true),
        ProviderDescriptor(
            kind: .fexit, aliases: ["fr", "kretfunc"], summary: "return of a kernel function through a BPF trampoline",
            grammar: .kernelFunction(example: "fexit:vfs_read"), context: .functionArguments, programType: .tracing,
            attachType: .traceFexit, requires: .fentry,
            unavailableNote: "fentry/fexit need BPF trampolines, which this kernel refuses",
            suggestsCoveringTracepoints: true, hasReturnValue: true),
        ProviderDescriptor(
            kind: .usdt, aliases: ["U"], summary: "a static probe (USDT note) in a program or library",
            grammar: .binaryFunction(allowsProvider: true), context: .registers, programType: .kprobe,
            requires: .uprobes, completion: .binaries, addressSpace: .user),
    ])
}
