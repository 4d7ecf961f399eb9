/// Every config variable current bpftrace documents (its docs/language.md, "Config
/// Variables"), with what bpfsh does with it. Ignored variables are accepted so scripts run,
/// and the program is warned once, with the reason.
public struct ConfigTable: Sendable {
    public var variables: [ConfigVariable]

    public subscript(name: String) -> ConfigVariable? {
        let key = ConfigTable.canonical(name)
        return variables.first { $0.name == key }
    }

    /// `BPFTRACE_STACK_MODE`, `STACK_MODE` and `stack_mode` are the same variable.
    public static func canonical(_ name: String) -> String {
        let lower = name.lowercased()
        return lower.hasPrefix("bpftrace_") ? String(lower.dropFirst("bpftrace_".count)) : lower
    }

    public static let builtin = ConfigTable(variables: [
        ConfigVariable(
            name: "cache_user_symbols", kind: .choice(["PER_PROGRAM", "PER_PID", "NONE"]), defaultValue: "PER_PID",
            summary: "how user-space symbols are cached",
            support: .ignored("bpfsh reads each process's symbols from its own mappings and caches them per file")),
        ConfigVariable(
            name: "cpp_demangle", kind: .boolean, defaultValue: "true",
            summary: "demangle C++ names in user stacks",
            support: .ignored("bpfsh always demangles C++ names")),
        ConfigVariable(
            name: "lazy_symbolication", kind: .boolean, defaultValue: "false",
            summary: "resolve user symbols on demand",
            support: .ignored("bpfsh resolves symbols when a stack is printed")),
        ConfigVariable(
            name: "license",
            kind: .choice(["Dual MIT/GPL", "Dual BSD/GPL", "Dual MPL/GPL", "GPL and additional rights", "GPL v2", "GPL"]),
            defaultValue: "GPL",
            summary: "the license BPF programs are loaded with",
            support: .ignored("bpfsh loads every program as GPL, which the helpers it calls require")),
        ConfigVariable(
            name: "log_size", kind: .integer, defaultValue: "1000000",
            summary: "size of the verifier log in bytes",
            support: .ignored("a rejected program is loaded again with a log large enough to explain it")),
        ConfigVariable(
            name: "max_bpf_progs", kind: .integer, defaultValue: "1024",
            summary: "most BPF programs one script may generate",
            support: .honoured("a script whose attach points expand to more programs is refused")),
        ConfigVariable(
            name: "max_cat_bytes", kind: .integer, defaultValue: "10240",
            summary: "most bytes cat() prints",
            support: .ignored("cat() reads a file in user space when its event arrives, up to its own limit")),
        ConfigVariable(
            name: "max_map_keys", kind: .integer, defaultValue: "4096",
            summary: "most keys a map holds",
            support: .honoured("each map the script creates holds this many entries")),
        ConfigVariable(
            name: "max_probes", kind: .integer, defaultValue: "1024",
            summary: "most probes one script may attach",
            support: .honoured("a script whose attach points expand to more probes is refused")),
        ConfigVariable(
            name: "max_strlen", kind: .integer, defaultValue: "64",
            summary: "default size of strings read by str()",
            support: .honoured("str() without a length reads up to this many bytes (at most 1024)")),
        ConfigVariable(
            name: "missing_probes", kind: .choice(["error", "warn", "ignore"]), defaultValue: "error",
            summary: "what to do with attach points that do not exist",
            support: .honoured("warn or ignore drops attach points this kernel lacks instead of failing")),
        ConfigVariable(
            name: "on_stack_limit", kind: .integer, defaultValue: "32",
            summary: "largest object kept on the BPF stack",
            support: .honoured("larger strings, tuples, keys and variables live in a per-CPU scratch map")),
        ConfigVariable(
            name: "perf_rb_pages", kind: .integer, defaultValue: "64",
            summary: "pages of the event ring buffer",
            support: .ignored("bpfsh's one event ring has a fixed size")),
        ConfigVariable(
            name: "print_maps_on_exit", kind: .boolean, defaultValue: "true",
            summary: "print every map when the program exits",
            support: .honoured("false prints no maps at exit")),
        ConfigVariable(
            name: "show_debug_info", kind: .boolean, defaultValue: "true",
            summary: "show file and line in stacks",
            support: .ignored("bpfsh does not read DWARF line information")),
        ConfigVariable(
            name: "stack_mode", kind: .choice(["bpftrace", "perf", "raw", "build_id"]), defaultValue: "bpftrace",
            summary: "how kstack and ustack print",
            support: .honoured("bare kstack/ustack and calls without a mode print this way")),
        ConfigVariable(
            name: "str_trunc_trailer", kind: .string, defaultValue: "..",
            summary: "marker added to truncated strings",
            support: .ignored("bpfsh does not mark truncated strings")),
        ConfigVariable(
            name: "unstable_tseries", kind: .choice(["error", "warn", "enable"]), defaultValue: "warn",
            summary: "allow tseries() maps",
            support: .honoured("error refuses tseries(); warn and enable accept it (without bpftrace's warning)")),
        ConfigVariable(
            name: "unstable_dw_ustack", kind: .choice(["error", "warn", "enable"]), defaultValue: "warn",
            summary: "DWARF-based user stack unwinding",
            support: .ignored("bpfsh unwinds user stacks with frame pointers only")),
        ConfigVariable(
            name: "unstable_map_decl", kind: .choice(["error", "warn", "enable"]), defaultValue: "warn",
            summary: "map declarations (bpftrace 0.21-0.23)",
            support: .ignored("bpfsh has no map declarations yet")),
        ConfigVariable(
            name: "unstable_macro", kind: .choice(["error", "warn", "enable"]), defaultValue: "warn",
            summary: "macro definitions (bpftrace 0.22-0.23)",
            support: .ignored("bpfsh has no macro definitions yet")),
    ])
}
