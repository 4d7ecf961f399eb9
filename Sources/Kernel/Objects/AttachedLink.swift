import CBPF
import Foundation
import Glibc

/// One attachment of a program: the file descriptors (perf events and BPF links) that keep
/// it attached. Closing them detaches; since nothing is pinned, a killed process detaches too.
public final class AttachedLink: @unchecked Sendable {
    public let attachPoint: String
    /// What attaches the program (BPF links, or perf events the program was set on directly).
    private var fds: [Int32]
    /// Perf events a BPF link attaches the program to: once the link is closed they run
    /// nothing, but releasing them waits for an RCU grace period (~70 ms for a tracepoint).
    private var events: [Int32]

    /// Whether the events run a tracing program (tracepoint, kprobe, uprobe): their links'
    /// release waits for the kernel, and the kernel says when the program is off the event.
    /// A perf_event program's (profile, interval) link closes without a wait.
    private let eventsRunTracingPrograms: Bool

    init(attachPoint: String, fds: [Int32], events: [Int32] = [], eventsRunTracingPrograms: Bool = false) {
        self.attachPoint = attachPoint
        self.fds = fds
        self.events = events
        self.eventsRunTracingPrograms = eventsRunTracingPrograms
    }

    deinit { detach() }

    /// Closes every descriptor. Tearing down a perf-event attachment can take tens of
    /// milliseconds in the kernel, so callers on an interactive path do this off-thread.
    public func detach() {
        for fd in fds + events { Glibc.close(fd) }
        fds = []
        events = []
    }

    /// Gives up the descriptors, unclosed, to `BackgroundRelease`; nil for a program set on
    /// perf events directly (only closing the event detaches it, and nothing but the close
    /// tells when it has), attached without a perf event, or not a tracing program.
    fileprivate func handOverLinkedEvents() -> (links: [Int32], events: [Int32])? {
        guard eventsRunTracingPrograms, !events.isEmpty, fds.count == events.count else { return nil }
        defer {
            fds = []
            events = []
        }
        return (fds, events)
    }

    public var isAttached: Bool { !fds.isEmpty }
}

/// Detaches the links of a process about to exit without making it wait for the kernel's
/// release of them (~20 ms per tracepoint link on 6.18, and again per perf event): a forked
/// child takes the descriptors over and releases them, and this process waits only until no
/// event runs its program any more, the moment a plain close would have reached first.
public enum BackgroundRelease {
    /// How long to wait for the child's release to take effect before waiting for the child.
    static let pollLimitNanoseconds: UInt64 = 2_000_000_000

    /// Returns once none of the links' programs runs any more.
    public static func detach(_ attached: [AttachedLink]) {
        var links: [Int32] = []
        var events: [Int32] = []
        for link in attached {
            if let handed = link.handOverLinkedEvents() {
                links += handed.links
                events += handed.events
            } else {
                link.detach()
            }
        }
        guard !links.isEmpty else { return }
        let child = links.withUnsafeBufferPointer { linkBuffer in
            events.withUnsafeBufferPointer { eventBuffer in
                cbpf_release_in_child(
                    linkBuffer.baseAddress, Int32(linkBuffer.count), eventBuffer.baseAddress, Int32(eventBuffer.count))
            }
        }
        guard child > 0 else {
            // Without a child, the slow way: links first, so the programs stop at once.
            for fd in links + events { Glibc.close(fd) }
            return
        }
        if !waitUntilDetached(events, heldBy: child) {
            var status: Int32 = 0
            while waitpid(child, &status, 0) < 0 && errno == EINTR {}
        }
    }

    /// Polls the child's copies of the events; false when the kernel could not say in time.
    private static func waitUntilDetached(_ events: [Int32], heldBy child: Int32) -> Bool {
        let started = DispatchTime.now().uptimeNanoseconds
        var pause: UInt32 = 50
        var pending = events
        while !pending.isEmpty {
            var stillRunning: [Int32] = []
            for fd in pending {
                let state = cbpf_perf_event_runs_program(child, fd)
                if state < 0 { return false }
                if state == 1 { stillRunning.append(fd) }
            }
            pending = stillRunning
            if pending.isEmpty { break }
            if DispatchTime.now().uptimeNanoseconds - started > pollLimitNanoseconds { return false }
            usleep(pause)
            pause = min(pause * 2, 2000)
        }
        return true
    }
}

/// The ways to attach a program, one per provider family. Only this layer calls
/// perf_event_open and the attach system calls.
public enum Attacher {
    /// A tracepoint by its tracefs id: a perf event on CPU 0 (the program still fires on
    /// every CPU) linked to the program.
    public static func tracepoint(_ program: LoadedProgram, id: UInt64, name: String) throws -> AttachedLink {
        var attr = perf_event_attr()
        attr.type = PERF_TYPE_TRACEPOINT.rawValue
        attr.size = UInt32(MemoryLayout<perf_event_attr>.size)
        attr.config = id
        attr.sample_period = 1
        attr.wakeup_events = 1
        let fd = try openPerfEvent(&attr, pid: -1, cpu: 0, attachPoint: name)
        return try linkPerfEvents([fd], program: program, attachPoint: name)
    }

    public static func rawTracepoint(_ program: LoadedProgram, name: String, displayName: String) throws -> AttachedLink
    {
        let fd = bpf_raw_tracepoint_open(name, program.fd)
        guard fd >= 0 else {
            throw KernelError.attachFailed(attachPoint: displayName, reason: String(cString: strerror(libbpfErrno(fd))))
        }
        return AttachedLink(attachPoint: displayName, fds: [fd])
    }

    /// tp_btf and fentry/fexit programs: the attach target was given at load time.
    public static func tracing(_ program: LoadedProgram, displayName: String) throws -> AttachedLink {
        let fd = bpf_raw_tracepoint_open(nil, program.fd)
        guard fd >= 0 else {
            let code = libbpfErrno(fd)
            if code == EPERM || code == ENOTSUP || code == 524 {
                throw KernelError.notSupported(
                    feature: "BPF trampolines (fentry/fexit)",
                    reason: "the kernel refused to attach (\(String(cString: strerror(code))))")
            }
            throw KernelError.attachFailed(attachPoint: displayName, reason: String(cString: strerror(code)))
        }
        return AttachedLink(attachPoint: displayName, fds: [fd])
    }

    /// A software or hardware perf event on every CPU (profile, interval, software, hardware).
    public static func perfEvent(
        _ program: LoadedProgram, type: UInt32, config: UInt64, period: UInt64 = 0, frequency: UInt64 = 0,
        cpus: [Int32], attachPoint: String
    ) throws -> AttachedLink {
        var fds: [Int32] = []
        do {
            for cpu in cpus {
                var attr = perf_event_attr()
                attr.type = type
                attr.size = UInt32(MemoryLayout<perf_event_attr>.size)
                attr.config = config
                if frequency > 0 {
                    attr.sample_freq = frequency
                    attr.freq = 1
                } else {
                    attr.sample_period = max(1, period)
                }
                fds.append(try openPerfEvent(&attr, pid: -1, cpu: cpu, attachPoint: attachPoint))
            }
            return try linkPerfEvents(fds, program: program, attachPoint: attachPoint, tracing: false)
        } catch {
            for fd in fds { Glibc.close(fd) }
            throw error
        }
    }

    /// A uprobe or kprobe through its dynamic PMU (`/sys/bus/event_source/devices/NAME/type`).
    /// `target` is the binary path (uprobe) or the function name (kprobe).
    public static func dynamicProbe(
        _ program: LoadedProgram, pmu: String, target: String, offset: UInt64, isReturn: Bool,
        pid: Int32 = -1, attachPoint: String
    ) throws -> AttachedLink {
        guard let typeText = try? String(contentsOfFile: "/sys/bus/event_source/devices/\(pmu)/type", encoding: .utf8),
            let type = UInt32(typeText.trimmingCharacters(in: .whitespacesAndNewlines))
        else {
            throw KernelError.notSupported(
                feature: pmu == "kprobe" ? "kprobes" : "uprobes",
                reason:
                    "/sys/bus/event_source/devices/\(pmu) is missing "
                    + "(the kernel was built without CONFIG_\(pmu.uppercased())S)"
            )
        }
        var retprobeBit: UInt64 = 0
        if isReturn,
            let format = try? String(
                contentsOfFile: "/sys/bus/event_source/devices/\(pmu)/format/retprobe", encoding: .utf8),
            let bit = UInt64(format.split(separator: ":").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "")
        {
            retprobeBit = 1 << bit
        }
        return try target.withCString { targetPointer in
            var attr = perf_event_attr()
            attr.type = type
            attr.size = UInt32(MemoryLayout<perf_event_attr>.size)
            attr.config = retprobeBit
            attr.config1 = UInt64(UInt(bitPattern: targetPointer))
            attr.config2 = offset
            let fd = try openPerfEvent(&attr, pid: pid, cpu: pid == -1 ? 0 : -1, attachPoint: attachPoint)
            return try linkPerfEvents([fd], program: program, attachPoint: attachPoint)
        }
    }

    /// A user probe at several places of one file, as one attachment: a USDT probe whose macro
    /// was expanded more than once. A location with a semaphore (its file offset) has the
    /// kernel count the attachment in it (the uprobe PMU's `ref_ctr_offset`, bits 32-63 of
    /// `config`), so the program's `if (PROBE_ENABLED())` paths run while it is attached, in
    /// every process that maps the file, as with bpftrace.
    public static func userProbes(
        _ program: LoadedProgram, path: String, locations: [(offset: UInt64, semaphore: UInt64)], pid: Int32 = -1,
        attachPoint: String
    ) throws -> AttachedLink {
        guard let typeText = try? String(contentsOfFile: "/sys/bus/event_source/devices/uprobe/type", encoding: .utf8),
            let type = UInt32(typeText.trimmingCharacters(in: .whitespacesAndNewlines))
        else {
            throw KernelError.notSupported(
                feature: "uprobes",
                reason: "/sys/bus/event_source/devices/uprobe is missing (the kernel was built without CONFIG_UPROBES)")
        }
        if locations.contains(where: { $0.semaphore != 0 }),
            !FileManager.default.fileExists(atPath: "/sys/bus/event_source/devices/uprobe/format/ref_ctr_offset")
        {
            throw KernelError.notSupported(
                feature: "USDT semaphores",
                reason: "this kernel's uprobes have no reference counters (ref_ctr_offset, Linux 4.20+)")
        }
        var fds: [Int32] = []
        do {
            try path.withCString { pathPointer in
                for location in locations {
                    var attr = perf_event_attr()
                    attr.type = type
                    attr.size = UInt32(MemoryLayout<perf_event_attr>.size)
                    attr.config = location.semaphore << 32
                    attr.config1 = UInt64(UInt(bitPattern: pathPointer))
                    attr.config2 = location.offset
                    fds.append(try openPerfEvent(&attr, pid: pid, cpu: pid == -1 ? 0 : -1, attachPoint: attachPoint))
                }
            }
        } catch {
            for fd in fds { Glibc.close(fd) }
            throw error
        }
        // It closes the events itself when linking fails.
        return try linkPerfEvents(fds, program: program, attachPoint: attachPoint)
    }

    private static func openPerfEvent(
        _ attr: inout perf_event_attr, pid: Int32, cpu: Int32, attachPoint: String
    ) throws -> Int32 {
        let fd = cbpf_perf_event_open(&attr, pid, cpu, -1, UInt(PERF_FLAG_FD_CLOEXEC))
        guard fd >= 0 else {
            let code = errno
            if code == EACCES || code == EPERM,
                let reason = Privileges.current().explainDenied("opening perf events for \(attachPoint)")
            {
                throw KernelError.permission(reason)
            }
            if code == ENOENT || code == EOPNOTSUPP || code == ENODEV {
                throw KernelError.attachFailed(
                    attachPoint: attachPoint,
                    reason: "the kernel has no such event (\(String(cString: strerror(code))))")
            }
            throw KernelError.attachFailed(
                attachPoint: attachPoint, reason: "perf_event_open: \(String(cString: strerror(code)))")
        }
        return fd
    }

    /// Links the program to each perf event with a BPF link, falling back to the ioctl on
    /// kernels without perf-event links.
    private static func linkPerfEvents(
        _ perfFDs: [Int32], program: LoadedProgram, attachPoint: String, tracing: Bool = true
    ) throws -> AttachedLink {
        // Links first, then the events they hold: closing a link detaches the program at once.
        var links: [Int32] = []
        var events: [Int32] = []
        var direct: [Int32] = []
        for perfFD in perfFDs {
            var options = bpf_link_create_opts()
            options.sz = MemoryLayout<bpf_link_create_opts>.size
            let link = bpf_link_create(program.fd, perfFD, BPF_PERF_EVENT, &options)
            if link >= 0 {
                links.append(link)
                events.append(perfFD)
                continue
            }
            // Set on the event itself: only closing the event detaches the program.
            direct.append(perfFD)
            if cbpf_perf_event_set_bpf(perfFD, program.fd) != 0 || cbpf_perf_event_enable(perfFD) != 0 {
                let code = errno
                for fd in links + events + perfFDs.filter({ !events.contains($0) }) { Glibc.close(fd) }
                throw KernelError.attachFailed(attachPoint: attachPoint, reason: String(cString: strerror(code)))
            }
        }
        return AttachedLink(
            attachPoint: attachPoint, fds: links + direct, events: events, eventsRunTracingPrograms: tracing)
    }
}
