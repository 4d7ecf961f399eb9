import CBPF
import Foundation

/// `bpfsh --info`: what bpftrace's `--info` prints (system, build, kernel helpers, kernel
/// features, map types, probe types), each line asked of this kernel: helpers and map types
/// through libbpf's probes (a tiny program or map is loaded), probe types from the feature
/// probes behind the banner. The keys are bpftrace's, since its test runner greps for them
/// (`btf: yes`, `Loop support: yes`, `send_signal: yes`).
public enum SystemInfo {
    /// bpftrace's name for a helper, and its number in `enum bpf_func_id`.
    static let helpers: [(String, UInt32)] = [
        ("probe_read", 4), ("probe_read_str", 45), ("probe_read_user", 112), ("probe_read_user_str", 114),
        ("probe_read_kernel", 113), ("probe_read_kernel_str", 115), ("get_current_cgroup_id", 80),
        ("send_signal", 109), ("override_return", 58), ("get_boot_ns", 125), ("dpath", 147), ("skboutput", 111),
        ("get_tai_ns", 208), ("get_func_ip", 173), ("jiffies64", 118), ("for_each_map_elem", 164),
        ("get_ns_current_pid_tgid", 120), ("lookup_percpu_elem", 195), ("loop", 181), ("ringbuf_output", 130),
    ]

    static let mapTypes: [(String, bpf_map_type)] = [
        ("hash", BPF_MAP_TYPE_HASH), ("percpu hash", BPF_MAP_TYPE_PERCPU_HASH), ("array", BPF_MAP_TYPE_ARRAY),
        ("percpu array", BPF_MAP_TYPE_PERCPU_ARRAY), ("stack_trace", BPF_MAP_TYPE_STACK_TRACE),
        ("perf_event_array", BPF_MAP_TYPE_PERF_EVENT_ARRAY), ("ringbuf", BPF_MAP_TYPE_RINGBUF),
        ("lru hash", BPF_MAP_TYPE_LRU_HASH), ("lru percpu hash", BPF_MAP_TYPE_LRU_PERCPU_HASH),
    ]

    /// The running kernel's release ("6.18.0-1-amd64").
    public static func kernelRelease() -> String {
        var name = utsname()
        uname(&name)
        return withUnsafeBytes(of: name.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }

    public static func report(version: String, features: KernelFeatures) -> String {
        var name = utsname()
        uname(&name)
        func field<T>(_ value: T) -> String {
            withUnsafeBytes(of: value) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        func yes(_ value: Bool) -> String { value ? "yes" : "no" }
        func works(_ feature: KernelFeature) -> Bool {
            if case .works = features[feature] { return true }
            return false
        }
        var lines = [
            "System", "  OS: \(field(name.sysname)) \(field(name.release)) \(field(name.version))",
            "  Arch: \(field(name.machine))", "",
            "Build", "  version: \(version)", "  LLVM: BPF backend only, in libbpfsh-llvm.so, loaded when a program is compiled",
            "  libbpf: \(LIBBPF_MAJOR_VERSION).\(LIBBPF_MINOR_VERSION)", "  libdw (DWARF support): no",
            "  blazesym (advanced symbolization): no", "",
            "Kernel helpers",
        ]
        var present: [String: Bool] = [:]
        for (helper, id) in helpers {
            let supported = libbpf_probe_bpf_helper(BPF_PROG_TYPE_KPROBE, bpf_func_id(id), nil) == 1
            present[helper] = supported
            lines.append("  \(helper): \(yes(supported))")
        }
        let uprobeRefcount = FileManager.default.fileExists(
            atPath: "/sys/bus/event_source/devices/uprobe/format/ref_ctr_offset")
        lines += [
            "", "Kernel features",
            "  Loop support: \(yes(present["loop"] ?? false))",
            "  btf: \(yes(works(.btf)))",
            "  module btf: \(yes(FileManager.default.fileExists(atPath: "/sys/kernel/btf") && works(.btf)))",
            "  ring buffer: \(yes(works(.ringBuffer)))",
            "  uprobe refcount: \(yes(uprobeRefcount))",
            "", "Map types",
        ]
        for (label, type) in mapTypes {
            lines.append("  \(label): \(yes(libbpf_probe_bpf_map_type(type, nil) == 1))")
        }
        lines += [
            "", "Probe types",
            "  kprobe: \(yes(works(.kprobes)))",
            "  tracepoint: \(yes(works(.tracepoints)))",
            "  perf_event: \(yes(works(.perfSampling)))",
            "  hardware: \(yes(works(.hardwarePMCs)))",
            "  fentry: \(yes(works(.fentry)))",
            "  kprobe_multi: \(yes(works(.kprobes)))",
            "  rawtracepoint: \(yes(works(.rawTracepoints)))",
            "  tp_btf: \(yes(works(.tpBTF)))",
            "  uprobe: \(yes(works(.uprobes)))",
            "  usdt: \(yes(works(.uprobes)))",
            "  iter: no",
        ]
        // bpftrace says no; bpfsh also says why, from the same probes as the banner.
        let missing = features.results.compactMap { result -> String? in
            guard case .unsupported(let reason) = result.status else { return nil }
            return "  \(result.feature.displayName): \(reason)"
        }
        if !missing.isEmpty { lines += ["", "Why not"] + missing }
        return lines.joined(separator: "\n") + "\n"
    }
}
