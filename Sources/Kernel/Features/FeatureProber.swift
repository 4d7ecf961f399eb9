import CBPF

#if canImport(Glibc)
    import Glibc
#endif

/// Asks the running kernel, one real operation per feature, what it can trace.
///
/// Every probe loads a program, creates a map or opens an event exactly as the real
/// providers would, then closes what it opened. Attachments whose teardown is slow
/// (classic tracepoints via perf events, 25-70 ms each) are not made; loading the program
/// type is the conclusive part for those.
struct FeatureProber {
    let catalogue: ProbeCatalogue
    let privileges: Privileges
    let pmuDirectory: String

    init(
        catalogue: ProbeCatalogue, privileges: Privileges = .current(),
        pmuDirectory: String = "/sys/bus/event_source/devices"
    ) {
        self.catalogue = catalogue
        self.privileges = privileges
        self.pmuDirectory = pmuDirectory
    }

    /// The function fentry is tried on: present in every kernel and never inlined.
    static let fentryTarget = "vfs_read"
    /// The tracepoint raw_tp and tp_btf probes use: present in every kernel with sched events.
    static let rawTracepointTarget = "sched_switch"

    func probe(_ feature: KernelFeature) -> FeatureResult {
        switch feature {
        case .btf: return btf()
        case .tracepoints: return tracepoints()
        case .rawTracepoints: return rawTracepoints()
        case .tpBTF: return tpBTF()
        case .kprobes: return kprobes()
        case .fentry: return fentry()
        case .uprobes: return uprobes()
        case .perfSampling: return perfSampling()
        case .hardwarePMCs: return hardwarePMCs()
        case .ringBuffer: return ringBuffer()
        case .stackMaps: return stackMaps()
        case .runStatistics: return runStatistics()
        }
    }

    // MARK: - Probes

    func btf() -> FeatureResult {
        do throws(CatalogueError) {
            let btf = try catalogue.btf()
            return FeatureResult(
                feature: .btf, status: .works,
                evidence: "\(btf.path): \(btf.typeCount) types, \(btf.tracepointCount) raw tracepoints")
        } catch {
            if case let .btf(.unreadable(path, failure)) = error, failure.code == EACCES || failure.code == EPERM,
                !privileges.isRoot
            {
                return FeatureResult(
                    feature: .btf, status: .unknown(reason: "\(path) is not readable without root"),
                    evidence: "read \(path)")
            }
            return FeatureResult(
                feature: .btf, status: .unsupported(reason: error.description),
                evidence: "read \(VmlinuxBTF.defaultPath)")
        }
    }

    func tracepoints() -> FeatureResult {
        let traceFS: TraceFS
        do throws(CatalogueError) {
            traceFS = try catalogue.traceFS()
        } catch {
            if !privileges.isRoot {
                switch error {
                case .traceFS(.notMounted):
                    return result(.tracepoints, .unknown(reason: "\(error); run as root to mount it"), "locate tracefs")
                case .traceFS(.unreadable):
                    return result(
                        .tracepoints, .unknown(reason: "\(error); tracefs is readable by root only"), "locate tracefs")
                default:
                    break
                }
            }
            return result(.tracepoints, .unsupported(reason: error.description), "locate tracefs")
        }
        let count = (try? catalogue.tracepoints().count) ?? 0
        let evidence = "tracefs at \(traceFS.root) (\(count) events); loaded a BPF_PROG_TYPE_TRACEPOINT program"
        switch ProbeProgram.load(BPF_PROG_TYPE_TRACEPOINT) {
        case .success(let fd):
            close(fd)
            return result(.tracepoints, .works, evidence)
        case .failure(let failure):
            return result(.tracepoints, loadRefusal("BPF_PROG_TYPE_TRACEPOINT", failure), evidence)
        }
    }

    func rawTracepoints() -> FeatureResult {
        let target = Self.rawTracepointTarget
        let evidence = "loaded a BPF_PROG_TYPE_RAW_TRACEPOINT program and attached it to \(target)"
        switch ProbeProgram.load(BPF_PROG_TYPE_RAW_TRACEPOINT) {
        case .failure(let failure):
            return result(.rawTracepoints, loadRefusal("BPF_PROG_TYPE_RAW_TRACEPOINT", failure), evidence)
        case .success(let fd):
            defer { close(fd) }
            // Raw tracepoint links detach in microseconds, so attaching costs nothing.
            let link = bpf_raw_tracepoint_open(target, fd)
            if link < 0 {
                return result(.rawTracepoints, attachRefusal("raw tracepoint \(target)", OSErrno(-link)), evidence)
            }
            close(link)
            return result(.rawTracepoints, .works, evidence)
        }
    }

    func tpBTF() -> FeatureResult {
        let target = Self.rawTracepointTarget
        let evidence = "loaded a BPF_PROG_TYPE_TRACING program (BPF_TRACE_RAW_TP) for btf_trace_\(target)"
        let typeID: UInt32
        do throws(CatalogueError) {
            typeID = try catalogue.tracepointBTFTypeID(target)
        } catch {
            return result(.tpBTF, .unsupported(reason: "needs kernel BTF: \(error)"), evidence)
        }
        // Loading checks the BTF target; attaching (~5 ms, an RCU grace period) adds nothing.
        switch ProbeProgram.load(BPF_PROG_TYPE_TRACING, expectedAttachType: BPF_TRACE_RAW_TP, attachBTFID: typeID) {
        case .success(let fd):
            close(fd)
            return result(.tpBTF, .works, evidence)
        case .failure(let failure):
            return result(.tpBTF, loadRefusal("a tp_btf program", failure), evidence)
        }
    }

    func kprobes() -> FeatureResult {
        let pmu = pmuDirectory + "/kprobe/type"
        var evidence = "looked for \(pmu) and kprobe_events in tracefs; loaded a BPF_PROG_TYPE_KPROBE program"
        // The attach interface decides, whatever our privileges: without it no kprobe can exist.
        if let reason = catalogue.kprobeUnavailableReason() {
            return result(.kprobes, .unsupported(reason: reason), evidence)
        }
        switch ProbeProgram.load(BPF_PROG_TYPE_KPROBE) {
        case .failure(let failure):
            return result(.kprobes, loadRefusal("BPF_PROG_TYPE_KPROBE", failure), evidence)
        case .success(let fd):
            close(fd)
        }
        // The PMU exists: open a real kprobe event (created disabled, so nothing fires).
        guard let type = pmuType("kprobe") else {
            return result(.kprobes, .works, evidence + " (legacy kprobe_events only)")
        }
        evidence += "; opened a kprobe perf event on \(Self.fentryTarget)"
        var attr = perf_event_attr()
        attr.size = UInt32(MemoryLayout<perf_event_attr>.size)
        attr.type = type
        attr.disabled = 1
        let fd = Self.fentryTarget.withCString { name -> Int32 in
            attr.config1 = UInt64(UInt(bitPattern: name))
            attr.config2 = 0
            return cbpf_perf_event_open(&attr, -1, 0, -1, UInt(PERF_FLAG_FD_CLOEXEC))
        }
        if fd < 0 {
            return result(.kprobes, attachRefusal("kprobe on \(Self.fentryTarget)", .current), evidence)
        }
        close(fd)
        return result(.kprobes, .works, evidence)
    }

    func fentry() -> FeatureResult {
        let target = Self.fentryTarget
        var evidence = "loaded a BPF_TRACE_FENTRY program for \(target)"
        let functionID: UInt32
        do throws(CatalogueError) {
            guard let id = try catalogue.btf().functionID(target) else {
                return result(.fentry, .unsupported(reason: "\(target) is not in kernel BTF"), evidence)
            }
            functionID = id
        } catch {
            return result(.fentry, .unsupported(reason: "needs kernel BTF: \(error)"), evidence)
        }
        switch ProbeProgram.load(BPF_PROG_TYPE_TRACING, expectedAttachType: BPF_TRACE_FENTRY, attachBTFID: functionID) {
        case .failure(let failure):
            if failure.code == EPERM && privileges.canUseBPF && privileges.canUsePerf {
                return result(
                    .fentry,
                    .unsupported(
                        reason:
                            "the kernel refused an fentry program for \(target) with \(failure) although we hold "
                            + "CAP_BPF and CAP_PERFMON: BPF trampolines are not permitted on this kernel"
                    ),
                    evidence)
            }
            if failure.code == 524 || failure.code == ENOTSUP {
                return result(
                    .fentry,
                    .unsupported(
                        reason:
                            "the kernel refused an fentry program for \(target) with \(failure): "
                            + "no BPF trampoline support for this architecture or configuration"
                    ),
                    evidence)
            }
            return result(.fentry, loadRefusal("an fentry program for \(target)", failure), evidence)
        case .success(let fd):
            defer { close(fd) }
            evidence += " and attached it"
            let link = bpf_raw_tracepoint_open(nil, fd)
            if link < 0 {
                return result(.fentry, attachRefusal("fentry on \(target)", OSErrno(-link)), evidence)
            }
            close(link)
            return result(.fentry, .works, evidence)
        }
    }

    func uprobes() -> FeatureResult {
        let pmu = pmuDirectory + "/uprobe/type"
        let evidence = "read \(pmu)"
        if let type = pmuType("uprobe") {
            return result(.uprobes, .works, evidence + " (PMU type \(type)); uprobes attach through perf_event_open")
        }
        if let traceFS = try? catalogue.traceFS(), traceFS.contains("uprobe_events") {
            return result(.uprobes, .works, "no uprobe PMU, but tracefs has uprobe_events (legacy attach)")
        }
        return result(
            .uprobes,
            .unsupported(
                reason:
                    "no uprobe PMU (\(pmu)) and no uprobe_events in tracefs: "
                    + "the kernel was built without CONFIG_UPROBE_EVENTS"
            ),
            evidence)
    }

    func perfSampling() -> FeatureResult {
        let evidence = "perf_event_open(PERF_TYPE_SOFTWARE, cpu-clock, 49 Hz) on CPU 0"
        var attr = perf_event_attr()
        attr.size = UInt32(MemoryLayout<perf_event_attr>.size)
        attr.type = PERF_TYPE_SOFTWARE.rawValue
        attr.config = UInt64(PERF_COUNT_SW_CPU_CLOCK.rawValue)
        attr.freq = 1
        attr.sample_freq = 49
        attr.disabled = 1
        let fd = cbpf_perf_event_open(&attr, -1, 0, -1, UInt(PERF_FLAG_FD_CLOEXEC))
        if fd < 0 {
            let failure = OSErrno.current
            return result(.perfSampling, perfRefusal("a cpu-clock sampling event", failure), evidence)
        }
        close(fd)
        return result(.perfSampling, .works, evidence)
    }

    func hardwarePMCs() -> FeatureResult {
        // Counting user-space cycles of this task is allowed even at perf_event_paranoid=2, so
        // the answer is about the hardware, not about our privileges.
        let evidence = "perf_event_open(PERF_TYPE_HARDWARE, cpu-cycles) for this task, user space only"
        var attr = perf_event_attr()
        attr.size = UInt32(MemoryLayout<perf_event_attr>.size)
        attr.type = PERF_TYPE_HARDWARE.rawValue
        attr.config = UInt64(PERF_COUNT_HW_CPU_CYCLES.rawValue)
        attr.disabled = 1
        attr.exclude_kernel = 1
        attr.exclude_hv = 1
        let fd = cbpf_perf_event_open(&attr, 0, -1, -1, UInt(PERF_FLAG_FD_CLOEXEC))
        if fd >= 0 {
            close(fd)
            return result(.hardwarePMCs, .works, evidence)
        }
        let failure = OSErrno.current
        if failure.code == ENOENT || failure.code == EOPNOTSUPP || failure.code == ENODEV {
            let pmus = (try? SystemFile.directoryEntries(pmuDirectory).get())?.sorted() ?? []
            let listed = pmus.isEmpty ? "" : " (PMUs here: \(pmus.joined(separator: ", ")))"
            let noCPU =
                pmus.contains("cpu") || pmus.contains(where: { $0.hasPrefix("cpu_") || $0.hasPrefix("armv8") })
                ? ""
                : "; there is no `cpu` PMU in \(pmuDirectory)\(listed), as in virtual machines without PMU passthrough"
            return result(
                .hardwarePMCs,
                .unsupported(
                    reason:
                        "perf_event_open of a hardware cycles counter failed with \(failure)\(noCPU)"), evidence)
        }
        return result(.hardwarePMCs, perfRefusal("a hardware cycles counter", failure), evidence)
    }

    func ringBuffer() -> FeatureResult {
        let size = UInt32(max(4096, Int(sysconf(Int32(_SC_PAGESIZE)))))
        return mapProbe(
            .ringBuffer, BPF_MAP_TYPE_RINGBUF, "BPF_MAP_TYPE_RINGBUF", keySize: 0, valueSize: 0, entries: size)
    }

    func stackMaps() -> FeatureResult {
        // 127 frames: PERF_MAX_STACK_DEPTH, what kstack/ustack maps use.
        mapProbe(
            .stackMaps, BPF_MAP_TYPE_STACK_TRACE, "BPF_MAP_TYPE_STACK_TRACE", keySize: 4, valueSize: 127 * 8, entries: 1
        )
    }

    func runStatistics() -> FeatureResult {
        let evidence = "bpf(BPF_ENABLE_STATS, BPF_STATS_RUN_TIME)"
        let fd = cbpf_bpf_enable_stats()
        if fd < 0 {
            let failure = OSErrno(-fd)
            if (failure.code == EPERM || failure.code == EACCES) && !privileges.has(Privileges.capSysAdmin) {
                return result(
                    .runStatistics, .unknown(reason: "needs CAP_SYS_ADMIN to find out (\(failure))"), evidence)
            }
            return result(.runStatistics, .unsupported(reason: "BPF_ENABLE_STATS failed with \(failure)"), evidence)
        }
        // Statistics stay on only while an fd is held; closing ours restores the old state.
        close(fd)
        return result(.runStatistics, .works, evidence)
    }

    // MARK: - Helpers

    private func result(_ feature: KernelFeature, _ status: FeatureStatus, _ evidence: String) -> FeatureResult {
        FeatureResult(feature: feature, status: status, evidence: evidence)
    }

    private func mapProbe(
        _ feature: KernelFeature, _ type: bpf_map_type, _ typeName: String,
        keySize: UInt32, valueSize: UInt32, entries: UInt32
    ) -> FeatureResult {
        let evidence = "created a \(typeName) map"
        let fd = bpf_map_create(type, "bpfsh_probe", keySize, valueSize, entries, nil)
        if fd < 0 {
            let failure = OSErrno(-fd)
            if (failure.code == EPERM || failure.code == EACCES) && !privileges.canUseBPF {
                return result(feature, .unknown(reason: "needs CAP_BPF or root to find out (\(failure))"), evidence)
            }
            return result(
                feature, .unsupported(reason: "the kernel refused a \(typeName) map with \(failure)"), evidence)
        }
        close(fd)
        return result(feature, .works, evidence)
    }

    private func loadRefusal(_ what: String, _ failure: OSErrno) -> FeatureStatus {
        if (failure.code == EPERM || failure.code == EACCES) && !privileges.canUseBPF {
            return .unknown(reason: "loading \(what) needs CAP_BPF or root (\(failure))")
        }
        return .unsupported(reason: "the kernel refused to load \(what): \(failure)")
    }

    private func attachRefusal(_ what: String, _ failure: OSErrno) -> FeatureStatus {
        if (failure.code == EPERM || failure.code == EACCES) && !(privileges.canUseBPF && privileges.canUsePerf) {
            return .unknown(reason: "attaching \(what) needs CAP_BPF and CAP_PERFMON or root (\(failure))")
        }
        return .unsupported(reason: "attaching \(what) failed: \(failure)")
    }

    private func perfRefusal(_ what: String, _ failure: OSErrno) -> FeatureStatus {
        if (failure.code == EPERM || failure.code == EACCES) && !privileges.canUsePerf {
            let paranoid =
                (try? SystemFile.readText("/proc/sys/kernel/perf_event_paranoid").get())?
                .split(separator: "\n").first.map(String.init) ?? "?"
            return .unknown(
                reason: "opening \(what) needs CAP_PERFMON or root (perf_event_paranoid=\(paranoid); \(failure))")
        }
        return .unsupported(reason: "perf_event_open of \(what) failed with \(failure)")
    }

    /// The dynamic PMU type number in `<pmuDirectory>/<name>/type`, nil when absent.
    private func pmuType(_ name: String) -> UInt32? {
        guard case .success(let text) = SystemFile.readText(pmuDirectory + "/" + name + "/type", sizeHint: 32) else {
            return nil
        }
        return UInt32(text.prefix { $0.isASCII && $0.isNumber })
    }
}
