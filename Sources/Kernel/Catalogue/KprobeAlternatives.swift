/// A probe that covers much of what a kprobe on some kernel function would show.
public struct KprobeAlternative: Sendable, Hashable {
    /// Where the suggestion came from, best first.
    public enum Basis: Int, Sendable, Hashable, Comparable {
        /// The curated table of functions used by "BPF Performance Tools" and bpftrace tools.
        case curated
        /// The function is a system call entry point (`__x64_sys_read`, `ksys_read`).
        case syscall
        /// A tracepoint whose event name matches the function name.
        case nameMatch

        public static func < (lhs: Basis, rhs: Basis) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// The probe to use instead (`tracepoint:sched:sched_switch`, `software:major-faults:1`).
    public var probe: String
    /// What it covers and how it differs from the kprobe.
    public var note: String
    public var basis: Basis

    public init(probe: String, note: String, basis: Basis) {
        self.probe = probe
        self.note = note
        self.basis = basis
    }
}

/// Suggests probes that exist on this kernel for a kprobe it cannot attach.
///
/// On kernels without kprobes (CONFIG_KPROBES off), the tools of "BPF Performance Tools"
/// chapters 6-7 and many bpftrace tools cannot run as written. Most kprobes they use sit next
/// to a tracepoint that reports the same event; this table names those, and every suggestion
/// is checked against the running kernel's catalogue before it is offered.
public struct KprobeAlternatives: Sendable {
    /// One curated row: function name globs and what to use instead.
    public struct Entry: Sendable, Hashable {
        public struct Suggestion: Sendable, Hashable {
            public var probe: String
            public var note: String
        }

        public var functions: [String]
        public var suggestions: [Suggestion]

        init(_ functions: [String], _ suggestions: [(String, String)]) {
            self.functions = functions
            self.suggestions = suggestions.map { Suggestion(probe: $0.0, note: $0.1) }
        }
    }

    let catalogue: ProbeCatalogue

    public init(catalogue: ProbeCatalogue) {
        self.catalogue = catalogue
    }

    /// Alternatives for a kprobe target, best first, only probes that exist here.
    ///
    /// `function` may be a bare name (`vfs_read`), a probe (`kprobe:vfs_read`,
    /// `kretprobe:vfs_read`) or a glob (`vfs_*`); compiler suffixes such as `.isra.0` are ignored.
    public func suggestions(for function: String, limit: Int = 8) -> [KprobeAlternative] {
        let name = Self.normalize(function)
        guard !name.isEmpty else { return [] }
        let glob = ProbeGlob(name)
        var results: [KprobeAlternative] = []
        var seen = Set<String>()
        func offer(_ probe: String, _ note: String, _ basis: KprobeAlternative.Basis) {
            guard !seen.contains(probe), exists(probe) else { return }
            seen.insert(probe)
            results.append(KprobeAlternative(probe: probe, note: note, basis: basis))
        }

        for entry in Self.table where Self.entry(entry, matches: name, glob: glob) {
            for suggestion in entry.suggestions { offer(suggestion.probe, suggestion.note, .curated) }
        }

        if let syscall = Self.syscallName(name) {
            offer("tracepoint:syscalls:sys_enter_\(syscall)", "\(syscall)(2) entry, with its arguments", .syscall)
            offer("tracepoint:syscalls:sys_exit_\(syscall)", "\(syscall)(2) return, with its return value", .syscall)
        }

        // Tracepoints named like the function: `tcp_retransmit_skb` → tcp:tcp_retransmit_skb.
        let core = String(name.drop { $0 == "_" })
        if core.count >= 3, let all = try? catalogue.tracepoints() {
            let eventGlob = glob.hasWildcards ? ProbeGlob(core) : ProbeGlob("*\(core)*")
            var matched = 0
            for tracepoint in all where tracepoint.category != "syscalls" && eventGlob.matches(tracepoint.event) {
                guard matched < limit else { break }
                let before = results.count
                offer(tracepoint.probeName, "tracepoint named like \(name)", .nameMatch)
                if results.count > before { matched += 1 }
            }
        }
        return Array(results.prefix(limit))
    }

    /// The text shown when a kprobe cannot attach: why, then what to use instead.
    public func explanation(for function: String, unavailableReason: String) -> String {
        let name = Self.normalize(function)
        var lines = ["kprobe:\(name) cannot attach on this kernel: \(unavailableReason)"]
        let alternatives = suggestions(for: function)
        if alternatives.isEmpty {
            lines.append("no tracepoint covers \(name); try `list *\(name)*` or uprobes for user space")
        } else {
            lines.append("probes that exist here and cover the same ground:")
            let width = alternatives.map(\.probe.count).max() ?? 0
            for alternative in alternatives {
                let padding = String(repeating: " ", count: width - alternative.probe.count)
                lines.append("  \(alternative.probe)\(padding)  \(alternative.note)")
            }
        }
        return lines.joined(separator: "\n")
    }

    // MARK: - Matching

    /// `kretprobe:vfs_read.isra.0` → `vfs_read`.
    static func normalize(_ function: String) -> String {
        var name = Substring(function)
        for prefix in ["kprobe:", "kretprobe:", "k:", "kr:", "fentry:", "fexit:", "kfunc:", "kretfunc:"]
        where name.hasPrefix(prefix) {
            name = name.dropFirst(prefix.count)
            break
        }
        // `kprobe:module:function`
        if let colon = name.lastIndex(of: ":") { name = name[name.index(after: colon)...] }
        // Compiler clones: foo.isra.0, foo.constprop.3, foo.part.1, foo.cold, foo.llvm.123
        if let dot = name.firstIndex(of: ".") { name = name[..<dot] }
        return String(name)
    }

    static func entry(_ entry: Entry, matches name: String, glob: ProbeGlob) -> Bool {
        entry.functions.contains { pattern in
            let patternGlob = ProbeGlob(pattern)
            if patternGlob.matches(name) { return true }
            // A user glob (`vfs_*`) selects rows whose functions it matches.
            guard glob.hasWildcards else { return false }
            return glob.matches(pattern.filter { $0 != "*" && $0 != "?" })
        }
    }

    /// The system call a syscall entry function implements, if the name says so.
    static func syscallName(_ name: String) -> String? {
        for prefix in [
            "__x64_sys_", "__ia32_sys_", "__arm64_sys_", "__riscv_sys_", "__s390x_sys_",
            "__se_sys_", "__do_sys_", "__sys_", "ksys_", "do_sys_", "sys_",
        ] where name.hasPrefix(prefix) {
            let syscall = String(name.dropFirst(prefix.count))
            return syscall.isEmpty || syscall.contains("*") ? nil : syscall
        }
        return nil
    }

    func exists(_ probe: String) -> Bool {
        let parts = probe.split(separator: ":", omittingEmptySubsequences: false)
        switch parts.first {
        case "tracepoint" where parts.count == 3:
            return catalogue.hasTracepoint(category: String(parts[1]), event: String(parts[2]))
        case "software" where parts.count >= 2:
            return PerfEventCatalogue.event(.software, named: String(parts[1])) != nil
        default:
            return false
        }
    }
}
