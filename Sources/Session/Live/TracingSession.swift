import Codegen
import Dispatch
import Foundation
import Kernel
import Language
import Symbols
import Tables

/// A tracing session: live probes defined, attached, detached and dropped one at a time,
/// sharing session-wide maps and one event ring.
///
/// Maps belong to the session: a probe compiled later reuses the maps that exist (with their
/// layout), so probes cooperate (runqlat's wakeup and switch probes share `@qtime`), and a
/// detached or dropped probe's data stays readable. All kernel work goes through a
/// `KernelBackend`, so the session is tested against an in-memory fake.
public final class TracingSession {
    public struct Options {
        public var positionalParameters: [String] = []
        /// `--name=value` after `--`, for getopt().
        public var namedParameters: [String: String?] = [:]
        public var allowUnsafe = false
        public var childPID: Int32 = 0
        public var targetPID: Int32? = nil
        public var mapMaxEntries = 4096
        /// Whether probes ignore this process's own events (the shell and one-shot runs set
        /// it; `--trace-self` clears it). Off by default so a library user sees everything.
        public var excludesOwnProcess = false
        /// The functions and builtin variables probes may use: how they are typed (Language)
        /// and lowered (Codegen), row by row under the same names, so a session can offer more.
        public var functions: FunctionTable = .builtin
        public var variables: BuiltinVariableTable = .builtin
        public var functionLowerings: FunctionLoweringTable = .builtin
        public var variableLowerings: FunctionLoweringTable = .builtinVariables
        /// Config variables set for every probe (the `BPFTRACE_*` environment, the shell's
        /// `config` command); they win over a program's `config` block.
        public var config = SessionConfig.fromEnvironment.config
        /// Whether probes count their own runs (`LiveProbe.fired`), a few instructions per
        /// event; a one-shot run, which never shows the count, turns it off.
        public var countsFired = true
        /// Bytes of the event ring, made once per session with the first probe that sends
        /// events and shared by the later ones, so a fixed size; nil sizes it by the program
        /// (a one-shot run, whose one program is all there is).
        public var eventRingBytes: Int? = Compiler.eventRingBytesForFiringProbes
        /// Where compiled programs are kept between runs (a one-shot run's). Only for a session
        /// with the built-in function tables: the cache's key does not hold the tables.
        public var cache: CompiledProgramCache? = nil
        /// How the programs' warnings are written (bpftrace's style when run as `bpftrace`).
        public var diagnosticStyle = DiagnosticStyle.bpfsh
        /// `--probe-filter REGEX`: attach points whose name it does not match are left out.
        public var probeFilter: String? = nil
        /// `-k`: probe reads that fail send a warning with their place in the program.
        public var reportsProbeReadErrors = false
        public init() {}
    }

    public let backend: KernelBackend
    public let catalogue: Language.ProbeCatalogue
    public var options: Options
    public private(set) var probes: [LiveProbe] = []
    /// Kernel maps by spec name (`@name` for the user's, `.events`... for the runtime's).
    private(set) var kernelMaps: [String: BackendMap] = [:]
    /// The user's maps, in the order they were first defined.
    public private(set) var mapInfos: [MapInfo] = []
    private var nextFormatID = 0
    /// The call behind each format id and the name of the probe that made it (a name, not the
    /// probe: a dropped probe's memory is given back while its late events still format).
    private var formatOwners: [Int: (call: FormatCall, probe: String)] = [:]
    private var events: BackendEventSource?
    /// The kernel's run statistics while they are on (`setStatistics`): they time every BPF
    /// program on the machine, so they are off unless asked for.
    var statistics: AnyObject?
    /// Follows processes' executable mappings once a probe takes stacks (nil before, or where
    /// the kernel refuses), so user stacks of processes gone since still resolve.
    private var processMappings: ProcessMappingSource?
    private var processMappingsTried = false
    /// The next free slot of the run counters (`InternalMap.fired`); slots are not reused, so
    /// a late event of a replaced probe never counts for another.
    private var nextFiredSlot = 0
    private let startTime = MonotonicClock.nanoseconds()
    private var unnamedCount = 0
    /// Keyless aggregations `zero()` set to 0 since they were last cleared: bpftrace prints
    /// them as `@a: 0`, while a cleared or never-written one prints nothing.
    private var zeroedKeylessMaps: Set<String> = []
    /// When each map (by `@name`) was created or last cleared: the start of the time its values cover.
    private var mapStartTimes: [String: Double] = [:]
    /// Detaching perf-event links can take tens of milliseconds: done off the caller's path.
    private let detachQueue = DispatchQueue(label: "bpfsh.detach")
    public private(set) var dispatcher: EventDispatcher!
    private var decoder: ValueDecoder!
    /// Probes that called exit() since the last check, with their exit codes.
    public private(set) var exitRequests: [(probe: String, code: Int32)] = []

    public init(
        backend: KernelBackend, catalogue: Language.ProbeCatalogue, options: Options = Options(),
        symbolizer: Symbolizing? = nil, sink: OutputSink
    ) {
        self.backend = backend
        self.catalogue = catalogue
        self.options = options
        decoder = ValueDecoder(
            symbolizer: symbolizer
                ?? SessionSymbolizer { [weak self] id in
                    self?.kernelMaps[InternalMap.stacks]?.lookup(withUnsafeBytes(of: id) { Array($0) })?.first
                })
        dispatcher = EventDispatcher(
            decoder: decoder, sink: sink,
            environment: .init(
                format: { [unowned self] id in formatOwners[id]?.call },
                mapAction: { [unowned self] action, name in
                    switch action {
                    case .print: return try? printedTable(name)
                    case .clear:
                        kernelMaps[name]?.clear()
                        zeroedKeylessMaps.remove(name)
                        mapStartTimes[name] = Date().timeIntervalSince1970
                        return nil
                    case .zero:
                        kernelMaps[name]?.zeroValues()
                        zeroedKeylessMaps.insert(name)
                        mapStartTimes[name] = Date().timeIntervalSince1970
                        return nil
                    }
                },
                exit: { [unowned self] id, code in
                    guard let owner = formatOwners[id]?.probe else { return }
                    exitRequests.append((owner, code))
                }))
    }

    /// A session whose output is bpftrace's text or JSON, written by `write` (losses too).
    public convenience init(
        backend: KernelBackend, catalogue: Language.ProbeCatalogue, options: Options = Options(),
        symbolizer: Symbolizing? = nil, format: OutputFormat = .text, write: @escaping (String) -> Void
    ) {
        self.init(
            backend: backend, catalogue: catalogue, options: options, symbolizer: symbolizer,
            sink: format.sink(output: write, errors: write))
    }

    deinit { close() }

    public func probe(named name: String) -> LiveProbe? { probes.first { $0.name == name } }

    /// The probe whose event is being handled, while its output reaches the sink; nil between
    /// events (losses, warnings).
    public var outputProbe: String? { dispatcher.currentFormatID.flatMap { formatOwners[$0]?.probe } }

    /// A name for a probe typed without one: `p1`, `p2`...
    public func nextUnnamed() -> String {
        repeat { unnamedCount += 1 } while probe(named: "p\(unnamedCount)") != nil
        return "p\(unnamedCount)"
    }

    // MARK: Defining probes

    /// Compiles and loads `text` as probe `name`, runs its BEGIN, then attaches it. Redefining a
    /// name attaches the new probe before the old one is detached, so its maps see no gap.
    /// On any error nothing changes: each stage below registers how to undo itself with the
    /// transaction, which undoes them all unless the define reaches its commit.
    @discardableResult
    public func define(
        name: String, text: String, sourceName: String? = nil, firstLine: Int = 1,
        willAttach: ((CompiledProgram) -> Void)? = nil, didAttach: (() -> Void)? = nil
    ) throws -> LiveProbe {
        guard name.first.map({ $0.isLetter || $0 == "_" }) ?? false,
            name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" })
        else {
            throw SessionError.invalidName(name)
        }
        let source = SourceFile(name: sourceName ?? name, text: text, firstLine: firstLine)
        let started = MonotonicClock.nanoseconds()
        let previous = probe(named: name)
        let pipeline = self.pipeline(replacing: previous)
        let compiled: CompiledProgram
        do {
            compiled = try pipeline.compile(source)
        } catch let list as DiagnosticList {
            throw SessionError.diagnostics(list, source)
        }
        let compiledAt = MonotonicClock.nanoseconds()
        reportWarnings(of: compiled, in: source)

        let transaction = StagedTransaction()
        defer { transaction.rollBackUnlessCommitted() }
        let handles = try StartupTiming.measure(.maps) {
            try wrappingKernelErrors(of: name) { try createMaps(for: compiled, in: transaction) }
        }
        let programs = try StartupTiming.measure(.load) {
            try loadPrograms(compiled, maps: handles, pipeline: pipeline, source: source, name: name, in: transaction)
        }
        // Before attaching: a process that starts and exits right after is then followed whole.
        if kernelMaps[InternalMap.stacks] != nil { followProcessMappings() }
        let loadedAt = MonotonicClock.nanoseconds()

        let live = LiveProbe(
            name: name, source: source, compiled: compiled, codegenOptions: pipeline.codegenOptions,
            programs: programs)
        live.readFired = { [weak self] slot in self?.firedCount(slot: slot) }
        willAttach?(compiled)
        // BEGIN runs before the other attach points are attached, as bpftrace's `begin` does,
        // so what it records (a start time) comes before anything they see; its events are
        // handled once they are attached.
        StartupTiming.measure(.begin) {
            for program in live.startPrograms { try? program.run() }
        }
        try StartupTiming.measure(.attach) { try attachLinks(of: live) }
        let attachedAt = MonotonicClock.nanoseconds()
        // The compile's own phases (check, lower, optimize, codegen) beside the totals.
        live.timings = compiled.timings.merging([
            "compile": Double(compiledAt - started) / 1e6, "load": Double(loadedAt - compiledAt) / 1e6,
            "attach": Double(attachedAt - loadedAt) / 1e6,
        ]) { _, total in total }
        transaction.commit()
        register(live, replacing: previous)
        didAttach?()
        drainEvents(maximumRecords: EventPump.sliceRecords, nanoseconds: EventPump.sliceNanoseconds)
        return live
    }

    /// The compiler for a new probe, against the session's maps and format ids.
    func pipeline(replacing previous: LiveProbe?) -> ProgramPipeline {
        var pipeline = compilation(replacing: previous)
        if options.countsFired, nextFiredSlot < InternalMap.firedSlots {
            pipeline.codegenOptions.firedSlot = nextFiredSlot
        }
        pipeline.codegenOptions.eventRingBytes = options.eventRingBytes
        pipeline.cache = options.cache
        return pipeline
    }

    private func compilation(replacing previous: LiveProbe?) -> ProgramPipeline {
        // A redefinition may change the layout of maps only the old definition used.
        let known = mapInfos.filter { info in
            guard let previous else { return true }
            return !(previous.compiled.checked.usedMaps.contains(info.name) && !isUsed(info.name, excluding: previous))
        }
        var analyzerOptions = SemanticAnalyzer.Options(
            positionalParameters: options.positionalParameters,
            allowUnsafe: options.allowUnsafe, knownMaps: known,
            formatIDBase: nextFormatID, functions: options.functions, variables: options.variables,
            config: options.config, probeFilter: options.probeFilter,
            reportsProbeReadErrors: options.reportsProbeReadErrors)
        analyzerOptions.namedParameters = options.namedParameters
        var codegenOptions = CodegenOptions(
            startTimeNanoseconds: startTime, cpuCount: ProcessFacts.processorCount,
            childPID: options.childPID, positionalParameters: options.positionalParameters,
            mapMaxEntries: options.mapMaxEntries, excludedProcess: options.excludesOwnProcess ? getpid() : 0,
            functions: options.functionLowerings, variables: options.variableLowerings,
            targetProcess: options.targetPID ?? 0)
        codegenOptions.timeSeriesClockMap = SessionConfig.timeSeriesClockMap
        return ProgramPipeline(
            catalogue: catalogue, analyzerOptions: analyzerOptions, codegenOptions: codegenOptions)
    }

    /// Stage 1: the session's maps are reused, the missing ones created. A changed layout
    /// replaces the map (only maps no other probe uses can change layout); the event ring
    /// opens with the first probe.
    func createMaps(
        for compiled: CompiledProgram, in transaction: StagedTransaction
    ) throws
        -> [Int32: BackendMap]
    {
        var handles: [Int32: BackendMap] = [:]
        for (index, spec) in compiled.maps.enumerated() {
            let existing = kernelMaps[spec.name]
            if let existing, existing.spec == spec {
                handles[Int32(index + 1)] = existing
                continue
            }
            let map = try backend.createMap(spec)
            kernelMaps[spec.name] = map
            mapStartTimes[spec.name] = Date().timeIntervalSince1970
            handles[Int32(index + 1)] = map
            transaction.onRollBack { [unowned self] in
                map.close()
                kernelMaps[spec.name] = existing
            }
            // The replaced map closes only once the new definition is committed.
            if let existing { transaction.onCommit { existing.close() } }
        }
        if events == nil, let ring = kernelMaps[InternalMap.events] {
            events = try backend.openEvents(ring) { [unowned self] in dispatcher.handle($0) }
            transaction.onRollBack { [unowned self] in events = nil }
        }
        return handles
    }

    /// Stage 2: every program loaded; a verifier rejection is explained against the source.
    private func loadPrograms(
        _ compiled: CompiledProgram, maps handles: [Int32: BackendMap], pipeline: ProgramPipeline,
        source: SourceFile, name: String, in transaction: StagedTransaction
    ) throws -> [(spec: ProgramSpec, program: BackendProgram)] {
        var programs: [(spec: ProgramSpec, program: BackendProgram)] = []
        // Captures the variable, so a rollback closes whatever had loaded by then.
        transaction.onRollBack { programs.forEach { $0.program.close() } }
        do {
            for spec in compiled.programs {
                programs.append((spec, try backend.loadProgram(spec, maps: handles)))
            }
        } catch KernelError.verifierRejected(let program, let log, let instruction) {
            throw rejection(
                program: program, log: log, instruction: instruction, compiled: compiled, maps: handles,
                pipeline: pipeline, source: source)
        } catch {
            throw SessionError.wrapping(error, probe: name)
        }
        return programs
    }

    /// A verifier rejection explained against the probe's source: the statement responsible is
    /// found by reloading the probe one statement at a time.
    func rejection(
        program: String, log: String, instruction: Int?, compiled: CompiledProgram, maps handles: [Int32: BackendMap],
        pipeline: ProgramPipeline, source: SourceFile
    ) -> SessionError {
        let spec = compiled.programs.first { $0.name == program } ?? compiled.programs[0]
        let culprit = RejectionLocator(backend: backend, options: pipeline.codegenOptions)
            .locate(in: compiled.checked, unitIndex: spec.unitIndex, maps: handles)
        let diagnostic = VerifierDiagnostics.diagnose(
            log: log, instruction: instruction, unit: compiled.checked.units[spec.unitIndex], program: program,
            culprit: culprit)
        return SessionError.rejected(DiagnosticList([diagnostic]), source)
    }

    /// Committed: the formats and maps become the session's, the previous definition retires.
    private func register(_ live: LiveProbe, replacing previous: LiveProbe?) {
        if live.codegenOptions.firedSlot != nil { nextFiredSlot += 1 }
        let checked = live.compiled.checked
        nextFormatID += max(1, checked.formats.count)
        for call in checked.formats { formatOwners[call.id] = (call, live.name) }
        for info in checked.maps {
            if let index = mapInfos.firstIndex(where: { $0.name == info.name }) {
                mapInfos[index] = info
            } else {
                mapInfos.append(info)
            }
        }
        if let previous, let index = probes.firstIndex(where: { $0 === previous }) {
            retire(previous)
            probes[index] = live
        } else {
            probes.append(live)
        }
    }

    private func wrappingKernelErrors<T>(of probe: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch { throw SessionError.wrapping(error, probe: probe) }
    }

    private func isUsed(_ map: String, excluding probe: LiveProbe) -> Bool {
        probes.contains { $0 !== probe && $0.compiled.checked.usedMaps.contains(map) }
    }

    private func attachLinks(of probe: LiveProbe) throws {
        var links: [BackendLink] = []
        do {
            for (spec, program) in probe.programs {
                if let link = try backend.attach(program, target: spec.target, pid: options.targetPID) {
                    links.append(link)
                }
            }
        } catch {
            detachInBackground(links)
            throw SessionError.wrapping(error, probe: probe.name)
        }
        probe.links = links
        probe.state = .attached
    }

    private func detachInBackground(_ links: [BackendLink]) {
        guard !links.isEmpty else { return }
        detachQueue.async { ParallelDetach.detach(links) }
    }

    /// Runs END, detaches and closes a probe that a new definition replaced.
    private func retire(_ probe: LiveProbe) {
        detachInBackground(probe.links)
        probe.links = []
        probe.state = .detached
        for program in probe.endPrograms { try? program.run() }
        drainEvents(maximumRecords: EventPump.sliceRecords, nanoseconds: EventPump.sliceNanoseconds)
        detachQueue.async { probe.programs.forEach { $0.program.close() } }
    }

    // MARK: Life cycle

    /// Re-attaches a detached probe (its BEGIN does not run again).
    public func attach(_ name: String) throws {
        guard let probe = probe(named: name) else { throw SessionError.unknownProbe(name) }
        guard probe.state == .detached else { return }
        try attachLinks(of: probe)
        probe.exited = false
    }

    /// What a detach or drop did, once every link it closed is gone.
    public struct DetachReport {
        public var probes = 0
        public var links = 0
        public var seconds = 0.0
    }

    /// Called while links close: (closed, total, seconds so far).
    public typealias DetachProgress = (_ closed: Int, _ total: Int, _ seconds: Double) -> Void

    /// Detaches a probe: END runs, the others keep running, the maps keep their data. Returns
    /// once its links are gone.
    @discardableResult
    public func detach(_ name: String, progress: DetachProgress? = nil) throws -> DetachReport {
        guard let probe = probe(named: name) else { throw SessionError.unknownProbe(name) }
        return detach([probe], progress: progress)
    }

    func detach(_ probe: LiveProbe) { detach([probe], progress: nil) }

    /// Detaches probes together: all their links close at once (the kernel's waits overlap),
    /// then END programs run, in order, on the final state.
    @discardableResult
    func detach(_ chosen: [LiveProbe], progress: DetachProgress?) -> DetachReport {
        let attached = chosen.filter { $0.state == .attached }
        let links = attached.flatMap(\.links)
        let started = MonotonicClock.nanoseconds()
        let seconds = { Double(MonotonicClock.nanoseconds() - started) / 1e9 }
        ParallelDetach.detach(links) { closed, total in progress?(closed, total, seconds()) }
        for probe in attached {
            probe.links = []
            probe.state = .detached
        }
        for probe in attached {
            for program in probe.endPrograms { try? program.run() }
        }
        if !attached.isEmpty {
            drainEvents(maximumRecords: EventPump.sliceRecords, nanoseconds: EventPump.sliceNanoseconds)
        }
        return DetachReport(probes: attached.count, links: links.count, seconds: seconds())
    }

    @discardableResult
    public func detachAll(progress: DetachProgress? = nil) -> DetachReport {
        detach(probes, progress: progress)
    }

    /// Detaches every probe as `detachAll` does (programs detached, then END), but leaves
    /// the kernel's release of the links to another process (`KernelBackend.detachLeavingRelease`):
    /// for a process about to exit.
    public func detachAllLeavingRelease() {
        let attached = probes.filter { $0.state == .attached }
        backend.detachLeavingRelease(attached.flatMap(\.links))
        for probe in attached {
            probe.links = []
            probe.state = .detached
        }
        for probe in attached {
            for program in probe.endPrograms { try? program.run() }
        }
        if !attached.isEmpty {
            drainEvents(maximumRecords: EventPump.sliceRecords, nanoseconds: EventPump.sliceNanoseconds)
        }
    }

    /// Detaches a probe and forgets it; its maps stay in the session. Returns once its links
    /// are gone and its programs closed.
    @discardableResult
    public func drop(_ name: String, progress: DetachProgress? = nil) throws -> DetachReport {
        guard let probe = probe(named: name) else { throw SessionError.unknownProbe(name) }
        return drop([probe], progress: progress)
    }

    /// Drops every probe, closing all their links at once.
    @discardableResult
    public func dropAll(progress: DetachProgress? = nil) -> DetachReport {
        drop(probes, progress: progress)
    }

    private func drop(_ chosen: [LiveProbe], progress: DetachProgress?) -> DetachReport {
        var report = detach(chosen, progress: progress)
        report.probes = chosen.count
        probes.removeAll { probe in chosen.contains { $0 === probe } }
        // Programs closed now, and nothing holds the probes any more: their memory (checked
        // program, compiled objects) is given back.
        for probe in chosen { probe.programs.forEach { $0.program.close() } }
        return report
    }

    /// Waits until every background detach has finished (tests, exit).
    public func settle() {
        detachQueue.sync {}
    }

    /// Detaches everything and releases every kernel object the session created.
    public func close() {
        processMappings?.close()
        processMappings = nil
        detachAll()
        settle()
        for probe in probes { probe.programs.forEach { $0.program.close() } }
        probes = []
        events = nil
        for map in kernelMaps.values { map.close() }
        kernelMaps = [:]
        statistics = nil
    }

    // MARK: Events and maps

    /// Waits up to `timeout` ms for events and handles one bounded slice of them (a flood
    /// cannot keep the caller here); returns how many were handled.
    @discardableResult
    public func pollEvents(timeoutMilliseconds: Int32) -> Int32 {
        guard waitForEvents(timeoutMilliseconds: timeoutMilliseconds) else { return 0 }
        let slice = drainEvents(maximumRecords: EventPump.sliceRecords, nanoseconds: EventPump.sliceNanoseconds)
        return Int32(clamping: slice.handled)
    }

    /// Handles every event waiting. Only for the end of a run, when no probe is attached:
    /// while probes run, a flood would keep this from returning.
    public func drainEvents() { events?.drain() }

    /// Handles waiting events until `maximumRecords` or `nanoseconds`, whichever comes first;
    /// `more` says events may be left.
    @discardableResult
    public func drainEvents(maximumRecords: Int, nanoseconds: UInt64) -> (handled: Int, more: Bool) {
        readProcessMappings()
        return events?.drain(maximumRecords: maximumRecords, nanoseconds: nanoseconds) ?? (0, false)
    }

    /// Waits up to `timeout` ms until events are waiting (without handling them); whether
    /// they are (a signal ends the wait early). Without a readiness descriptor (the fake
    /// kernel) it answers at once.
    @discardableResult
    public func waitForEvents(timeoutMilliseconds: Int32) -> Bool {
        if events != nil && eventReadinessFD < 0 { return true }
        // Before the ring exists (no probe prints) there is nothing to wait for but the time.
        var entry = pollfd(fd: eventReadinessFD, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, max(0, timeoutMilliseconds)) > 0 && events != nil
    }

    /// Exit requests since the last call.
    public func takeExitRequests() -> [(probe: String, code: Int32)] {
        defer { exitRequests = [] }
        return exitRequests
    }

    public var eventReadinessFD: Int32 { events?.readinessFD ?? -1 }

    public func mapInfo(named name: String) -> MapInfo? {
        let bare = name.hasPrefix("@") ? String(name.dropFirst()) : name
        return mapInfos.first { $0.name == bare }
    }

    /// Starts following processes' mappings (once; a kernel that refuses is not asked again).
    func followProcessMappings() {
        guard !processMappingsTried else { return }
        processMappingsTried = true
        processMappings = try? backend.watchProcessMappings()
    }

    /// Hands the mapping records the kernel queued to the user symbolizer: called before maps
    /// are read (their stacks are symbolized then) and with every slice of events, so the
    /// rings never fill.
    public func readProcessMappings() {
        processMappings?.drain { record in
            let symbols = UserSymbolizer.shared
            switch record {
            case .mapped(let pid, let start, let length, let offset, let major, let minor, let inode, let path):
                symbols.mapped(
                    Mapping(
                        start: start, end: start &+ length, fileOffset: offset, deviceMajor: major,
                        deviceMinor: minor, inode: inode, path: path.isEmpty ? nil : path),
                    pid: pid)
            case .executed(let pid): symbols.executed(pid: pid)
            case .forked(let pid, let parent): symbols.forked(pid: pid, parent: parent)
            case .exited(let pid): symbols.exited(pid: pid)
            case .lost: break
            }
        }
    }

    /// A snapshot of a map as a table.
    public func table(_ name: String) throws -> MapTable {
        readProcessMappings()
        let bare = name.hasPrefix("@") ? String(name.dropFirst()) : name
        guard let info = mapInfos.first(where: { $0.name == bare }), let map = kernelMaps["@" + bare] else {
            throw SessionError.unknownMap(name)
        }
        return MapReader(decoder: decoder).table(
            info, entries: map.entries(), zeroed: zeroedKeylessMaps.contains("@" + bare))
    }

    /// The table `print(@m)` prints: as bpftrace, a map without keys that holds nothing yet
    /// prints its zero value (`@: 0`), not nothing.
    func printedTable(_ name: String) throws -> MapTable {
        var result = try table(name)
        let bare = name.hasPrefix("@") ? String(name.dropFirst()) : name
        if result.rows.isEmpty, let info = mapInfos.first(where: { $0.name == bare }), info.keys.isEmpty,
            let cell = MapReader(decoder: decoder).zeroCell(info)
        {
            result.rows = [MapTable.Row(key: [], cell: cell)]
        }
        return result
    }

    /// Every user map that holds data, in definition order.
    public func tables() -> [MapTable] {
        mapInfos.compactMap { try? table($0.name) }.filter { !$0.rows.isEmpty }
    }

    /// Forgets a map no probe uses: its data and its layout, so the name can be used again
    /// with other key or value types.
    public func forget(_ name: String) throws {
        let bare = name.hasPrefix("@") ? String(name.dropFirst()) : name
        guard mapInfos.contains(where: { $0.name == bare }) else { throw SessionError.unknownMap(name) }
        let users = probes.filter { $0.compiled.checked.usedMaps.contains(bare) }.map(\.name)
        guard users.isEmpty else { throw SessionError.mapInUse("@" + bare, by: users) }
        kernelMaps.removeValue(forKey: "@" + bare)?.close()
        zeroedKeylessMaps.remove("@" + bare)
        mapInfos.removeAll { $0.name == bare }
    }

    /// Forgets every map no probe uses; returns their names (with `@`).
    @discardableResult
    public func forgetUnusedMaps() -> [String] {
        let unused = mapInfos.map(\.name).filter { name in
            !probes.contains { $0.compiled.checked.usedMaps.contains(name) }
        }
        for name in unused { try? forget(name) }
        return unused.map { "@" + $0 }
    }

    public func clear(_ name: String) throws {
        let bare = name.hasPrefix("@") ? String(name.dropFirst()) : name
        guard let map = kernelMaps["@" + bare] else { throw SessionError.unknownMap(name) }
        map.clear()
        zeroedKeylessMaps.remove("@" + bare)
        mapStartTimes["@" + bare] = Date().timeIntervalSince1970
    }

    /// When a map's values started (created, or last cleared), in seconds since the epoch,
    /// so a table read from it knows the time it covers (`rate`).
    public func mapStartTime(_ name: String) -> Double? {
        mapStartTimes[name.hasPrefix("@") ? name : "@" + name]
    }
}
