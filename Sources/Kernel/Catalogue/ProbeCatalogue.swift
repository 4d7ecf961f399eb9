import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Everything the compiler and the shell need to know about the running kernel's probe
/// points: which tracepoints exist, their record formats and ids, raw tracepoint arguments
/// from BTF, perf events and kprobe-able functions.
///
/// Each source is read once, on first use, and kept: tracefs lists and formats do not change
/// while the kernel runs (modules aside), and bpftrace spends ~100 ms per tracepoint
/// re-reading them. The catalogue is safe to share between threads.
public final class ProbeCatalogue: Sendable {
    private struct State {
        var traceFS: Result<TraceFS, TraceFSError>?
        var tracepoints: [TracepointName]?
        var tracepointSet: Set<TracepointName> = []
        var formats: [TracepointName: TracepointFormat] = [:]
        var kprobeFunctions: Result<[String], CatalogueError>?
    }

    private let state: Mutex<State>
    private let mountIfMissing: Bool
    private let btfPath: String

    /// A catalogue of the running kernel: tracefs is located (and mounted when missing and
    /// allowed) on first use; BTF comes from `btfPath`.
    public init(mountTraceFSIfMissing: Bool = true, btfPath: String = VmlinuxBTF.defaultPath) {
        self.state = Mutex(State())
        self.mountIfMissing = mountTraceFSIfMissing
        self.btfPath = btfPath
    }

    /// A catalogue reading tracepoints from a given tracefs (tests use a copy of one).
    public init(traceFS: TraceFS, btfPath: String = VmlinuxBTF.defaultPath) {
        self.state = Mutex(State(traceFS: .success(traceFS)))
        self.mountIfMissing = false
        self.btfPath = btfPath
    }

    // MARK: - tracefs and tracepoints

    /// The tracefs this catalogue reads, located on first use.
    public func traceFS() throws(CatalogueError) -> TraceFS {
        let result = state.withLock { state -> Result<TraceFS, TraceFSError> in
            if let known = state.traceFS { return known }
            let located: Result<TraceFS, TraceFSError>
            do throws(TraceFSError) { located = .success(try TraceFS.locate(mountIfMissing: mountIfMissing)) } catch {
                located = .failure(error)
            }
            state.traceFS = located
            return located
        }
        switch result {
        case .success(let traceFS): return traceFS
        case .failure(let error): throw .traceFS(error)
        }
    }

    /// Every tracepoint (`available_events`), sorted.
    public func tracepoints() throws(CatalogueError) -> [TracepointName] {
        if let known = state.withLock({ $0.tracepoints }) { return known }
        let traceFS = try traceFS()
        let text: String
        do throws(TraceFSError) { text = try traceFS.read("available_events", sizeHint: 96 * 1024) } catch {
            throw .traceFS(error)
        }
        let names = text.utf8.split(separator: UInt8(ascii: "\n")).compactMap { TracepointName(Substring($0)) }.sorted()
        state.withLock { state in
            state.tracepoints = names
            state.tracepointSet = Set(names)
        }
        return names
    }

    /// Tracepoints whose `category:event` matches a glob such as `sched:sched_*`.
    public func tracepoints(matching pattern: String) throws(CatalogueError) -> [TracepointName] {
        let glob = ProbeGlob(pattern)
        return try tracepoints().filter { glob.matches($0.description) }
    }

    /// True when the tracepoint exists (false when tracefs is unavailable).
    public func hasTracepoint(category: String, event: String) -> Bool {
        // One named tracepoint: its directory answers. Reading and sorting available_events
        // (thousands of names) costs a few milliseconds of a start; it is kept for wildcards
        // and for suggestions when the name is wrong. The ftrace category's events have format
        // files but are tracefs internals, absent from available_events and not attachable.
        let name = TracepointName(category: category, event: event)
        if name.isValidPath, category != "ftrace", let traceFS = try? traceFS(),
            SystemFile.exists(traceFS.eventPath(category: category, event: event, file: "format"))
        {
            return true
        }
        guard (try? tracepoints()) != nil else { return false }
        return state.withLock { $0.tracepointSet.contains(TracepointName(category: category, event: event)) }
    }

    /// The record format of a tracepoint, parsed once and cached.
    public func format(category: String, event: String) throws(CatalogueError) -> TracepointFormat {
        let name = TracepointName(category: category, event: event)
        guard name.isValidPath else {
            throw .invalidName(TracepointName.isValidComponent(category) ? event : category)
        }
        if let cached = state.withLock({ $0.formats[name] }) { return cached }
        let traceFS = try traceFS()
        let path = traceFS.eventPath(category: category, event: event, file: "format")
        let text: String
        switch SystemFile.readText(path, sizeHint: 8192) {
        case .success(let contents):
            text = contents
        case .failure(let failure) where failure.code == ENOENT:
            throw .noSuchTracepoint(category: category, event: event, similar: similarTracepoints(to: name))
        case .failure(let failure):
            throw .traceFS(.unreadable(path: path, errno: failure))
        }
        let format = TracepointFormatParser.parse(text, category: category, event: event)
        guard !format.allFields.isEmpty else { throw .emptyFormat(path: path) }
        state.withLock { $0.formats[name] = format }
        return format
    }

    /// The tracepoint's id (`events/C/E/id`): perf_event_attr.config for PERF_TYPE_TRACEPOINT.
    public func tracepointID(category: String, event: String) throws(CatalogueError) -> Int {
        let name = TracepointName(category: category, event: event)
        if let cached = state.withLock({ $0.formats[name]?.id }) { return cached }
        guard name.isValidPath else {
            throw .invalidName(TracepointName.isValidComponent(category) ? event : category)
        }
        let path = try traceFS().eventPath(category: category, event: event, file: "id")
        switch SystemFile.readText(path, sizeHint: 32) {
        case .success(let text):
            let digits = text.prefix { $0.isASCII && $0.isNumber }
            guard let id = Int(digits) else { throw .emptyFormat(path: path) }
            return id
        case .failure(let failure) where failure.code == ENOENT:
            throw .noSuchTracepoint(category: category, event: event, similar: similarTracepoints(to: name))
        case .failure(let failure):
            throw .traceFS(.unreadable(path: path, errno: failure))
        }
    }

    /// Up to five existing tracepoints that look like `name` (same event in another category,
    /// or an event containing the asked-for name), for "did you mean" messages.
    public func similarTracepoints(to name: TracepointName) -> [String] {
        guard let all = try? tracepoints() else { return [] }
        let sameEvent = all.filter { $0.event == name.event && $0.category != name.category }
        let containing = all.filter {
            $0.event != name.event && ($0.event.contains(name.event) || name.event.contains($0.event))
                && $0.category == name.category
        }
        return Array((sameEvent + containing).prefix(5).map(\.description))
    }

    // MARK: - BTF: raw tracepoints and tp_btf

    /// The kernel's BTF, shared process-wide.
    public func btf() throws(CatalogueError) -> VmlinuxBTF {
        do throws(BTFError) { return try VmlinuxBTF.shared(path: btfPath) } catch { throw .btf(error) }
    }

    /// Raw tracepoint names (what `rawtracepoint:` and `tp_btf:` attach to), sorted. They
    /// come from BTF's `btf_trace_<name>` typedefs, which include the tracepoints that have
    /// no tracefs event; without BTF they are derived from `available_events`.
    public func rawTracepoints() throws(CatalogueError) -> [String] {
        if let btf = try? btf() { return btf.tracepointNames }
        return Array(Set(try tracepoints().filter(Self.isRealTracepoint).map(\.event))).sorted()
    }

    /// The arguments a raw tracepoint / tp_btf program receives, with BTF types.
    public func rawTracepointArguments(_ name: String) throws(CatalogueError) -> [BTFTracepointArgument] {
        let btf = try btf()
        do throws(BTFError) { return try btf.tracepointArguments(name) } catch { throw .btf(error) }
    }

    /// The BTF id of `btf_trace_<name>`: the attach_btf_id a tp_btf program is loaded with.
    public func tracepointBTFTypeID(_ name: String) throws(CatalogueError) -> UInt32 {
        let btf = try btf()
        do throws(BTFError) { return try btf.tracepointTypeID(name) } catch { throw .btf(error) }
    }

    /// `syscalls:sys_enter_*`/`sys_exit_*` are ftrace syscall events layered on the
    /// `raw_syscalls` tracepoints, not tracepoints of their own, so they have no raw form.
    static func isRealTracepoint(_ name: TracepointName) -> Bool {
        !(name.category == "syscalls" && (name.event.hasPrefix("sys_enter_") || name.event.hasPrefix("sys_exit_")))
    }

    // MARK: - kprobes

    /// Why kprobes cannot be used, or nil when the kernel has them (a kprobe PMU or
    /// tracefs `kprobe_events`).
    public func kprobeUnavailableReason() -> String? {
        if SystemFile.exists("/sys/bus/event_source/devices/kprobe/type") { return nil }
        if let traceFS = try? traceFS(), traceFS.contains("kprobe_events") { return nil }
        return
            "no kprobe PMU (/sys/bus/event_source/devices/kprobe/type) and no kprobe_events in tracefs: "
            + "the kernel was built without CONFIG_KPROBES"
    }

    /// Functions kprobes can attach to (`available_filter_functions`, module suffix dropped).
    public func kprobeFunctions() throws(CatalogueError) -> [String] {
        if let cached = state.withLock({ $0.kprobeFunctions }) { return try cached.get() }
        let result: Result<[String], CatalogueError>
        if let reason = kprobeUnavailableReason() {
            result = .failure(.kprobesUnavailable(reason: reason))
        } else {
            do throws(CatalogueError) {
                let traceFS = try traceFS()
                let text: String
                do throws(TraceFSError) {
                    text = try traceFS.read("available_filter_functions", sizeHint: 4 << 20)
                } catch { throw CatalogueError.traceFS(error) }
                var names = Set<String>()
                for line in text.split(separator: "\n") {
                    let function = line.split(separator: " ", maxSplits: 1).first ?? line
                    // `.part.N` clones cannot be probed by name.
                    if !function.contains(".part.") { names.insert(String(function)) }
                }
                result = .success(names.sorted())
            } catch {
                result = .failure(error)
            }
        }
        state.withLock { $0.kprobeFunctions = result }
        return try result.get()
    }
}
