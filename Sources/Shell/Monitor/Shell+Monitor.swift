import Foundation
import Session
import Tables

/// What the shell would have printed while `monitor` owned the screen: probe lines are
/// counted (they are in `output`), the shell's own words (warnings, notices) kept to show after.
struct MonitorHeldOutput {
    var probeLines = 0
    var messages: [String] = []

    mutating func hold(_ text: String, isProbeOutput: Bool) {
        if isProbeOutput {
            probeLines += max(1, text.reduce(0) { $1 == "\n" ? $0 + 1 : $0 })
        } else if messages.count < 20 {
            messages.append(text)
        }
    }
}

extension Shell {
    /// A reading of every probe's counters and every map's size.
    func monitorSample() -> MonitorSample {
        MonitorSample(
            time: ProcessInfo.processInfo.systemUptime,
            probes: session.probes.map { probe in
                let timed = probe.runStatistics
                return MonitorSample.Probe(
                    name: probe.name, attached: probe.state == .attached, fired: probe.fired ?? timed.runs,
                    timedRuns: timed.runs, runNanoseconds: timed.nanoseconds, maps: probe.maps,
                    lostEvents: session.lostEvents(of: probe) ?? 0)
            },
            maps: session.mapUsage().map {
                MonitorSample.Map(name: $0.name, entries: $0.entries, limit: $0.limit, isLRU: $0.isLRU)
            },
            lostEvents: session.lostEvents)
    }

    var onlineCPUs: Int { ProcessInfo.processInfo.activeProcessorCount }

    /// `monitor`: a full-screen view redrawn in place until `q` or Ctrl-C. Without a terminal
    /// it prints one frame, its rates over one interval.
    func monitor(_ initial: MonitorState) {
        var state = initial
        if state.chosenMap == nil && !state.showingQuery {
            state.chosenMap = session.mapUsage().first { $0.entries > 0 }?.name ?? session.mapUsage().first?.name
        }
        // Run statistics are on while the monitor is open (nil where the kernel cannot).
        let statistics = session.enableRunStatistics()
        defer { withExtendedLifetime(statistics) {} }
        guard reader.isInteractive, let raw = RawTerminal() else {
            printOneFrame(state)
            return
        }
        monitorHeld = MonitorHeldOutput()
        progress(RawTerminal.enterScreen)
        defer {
            progress(RawTerminal.leaveScreen)
            raw.restore()
            let held = monitorHeld ?? MonitorHeldOutput()
            monitorHeld = nil
            for message in held.messages { notice(message) }
            if held.probeLines > 0 {
                notice(
                    "\(held.probeLines) line\(held.probeLines == 1 ? "" : "s") of probe output while monitoring: "
                        + "`output` shows the last ones\n")
            }
        }
        var before: MonitorSample?
        var now = monitorSample()
        var due = now.time + state.interval
        _ = ShellInterrupt.take()
        while true {
            let (width, height) = RawTerminal.size()
            let table = monitorTable(state)
            let lines = MonitorScreen.render(
                now: now, before: before, table: table, state: state, cpus: onlineCPUs, width: width, height: height)
            progress(RawTerminal.frame(lines))
            terminal?.flush()
            // Until a key or the next reading; probe events are served meanwhile.
            var keys: [MonitorKey] = []
            while keys.isEmpty {
                if ShellInterrupt.take() || ShellInterrupt.terminationRequested { return }
                let left = due - ProcessInfo.processInfo.systemUptime
                if left <= 0 { break }
                var fds = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)]
                let events = session.eventReadinessFD
                if events >= 0 { fds.append(pollfd(fd: events, events: Int16(POLLIN), revents: 0)) }
                let ready = poll(&fds, nfds_t(fds.count), Int32(max(1, min(100, left * 1000))))
                if ready > 0 && fds[0].revents != 0 { keys = MonitorKey.parse(raw.readAvailable()) }
                if ready == 0 || (fds.count > 1 && fds[1].revents != 0) { pumpEvents() }
            }
            if keys.isEmpty {
                if !state.paused {
                    before = now
                    now = monitorSample()
                }
                due = ProcessInfo.processInfo.systemUptime + state.interval
                continue
            }
            for key in keys {
                guard let action = MonitorAction(key) else { continue }
                if action == .quit { return }
                apply(action, to: &state, now: &now, before: before)
            }
        }
    }

    private func apply(
        _ action: MonitorAction, to state: inout MonitorState, now: inout MonitorSample, before: MonitorSample?
    ) {
        let probeNames = MonitorScreen.probeRows(now, before, cpus: onlineCPUs, order: state.order).map(\.probe.name)
        let selected = state.selectedProbe.flatMap { probeNames.contains($0) ? $0 : nil } ?? probeNames.first
        switch action {
        case .quit: break
        case .pause:
            state.paused.toggle()
            state.message = state.paused ? "paused: p resumes" : "resumed"
        case .sort:
            let orders = MonitorState.Order.allCases
            state.order = orders[(orders.firstIndex(of: state.order)! + 1) % orders.count]
            state.message = "probes by \(state.order.rawValue)"
        case .previousProbe, .nextProbe:
            state.selectedProbe = MonitorState.step(
                probeNames, from: selected, by: action == .nextProbe ? 1 : -1)
            if state.selectedProbe == nil { state.message = "no probes" }
        case .detach, .attach:
            guard let name = selected else {
                state.message = "no probe to \(action == .detach ? "detach" : "attach")"
                return
            }
            state.selectedProbe = name
            do {
                if action == .detach {
                    let report = try session.detach(name)
                    state.message = "\(name) detached · \(String(format: "%.2f", report.seconds * 1000)) ms"
                } else {
                    try session.attach(name)
                    state.message = "\(name) attached"
                }
            } catch {
                state.message = "\(error)"
            }
            for index in now.probes.indices {
                now.probes[index].attached = session.probe(named: now.probes[index].name)?.state == .attached
            }
        case .nextMap, .previousMap:
            // The query (if any) is one more view among the maps.
            let queryView = "| query"
            let views = (state.query != nil ? [queryView] : []) + now.maps.map(\.name)
            let current = state.showingQuery ? queryView : state.chosenMap
            let next = MonitorState.step(views, from: current, by: action == .nextMap ? 1 : -1)
            state.showingQuery = next == queryView
            if !state.showingQuery { state.chosenMap = next }
            state.message =
                state.showingQuery ? "showing \(state.query ?? "")" : next.map { "showing \($0)" } ?? "no maps"
        case .clearMap:
            guard !state.showingQuery, let name = state.chosenMap else {
                state.message = "no map to clear"
                return
            }
            do {
                try session.clear(name)
                state.message = "\(name) cleared"
            } catch {
                state.message = "\(error)"
            }
        }
    }

    /// The table the view shows: the query run afresh, or the chosen map read now.
    func monitorTable(_ state: MonitorState) -> MapTable? {
        if state.showingQuery, let query = state.query { return try? runMonitorQuery(query) }
        return state.chosenMap.flatMap { try? session.table($0) }
    }

    /// A query's table, or the error a person should see when starting `monitor` with it.
    func runMonitorQuery(_ text: String) throws -> MapTable {
        let pipeline: QueryPipeline
        switch QueryPipeline.parse(text) {
        case .success(let parsed): pipeline = parsed
        case .failure(let error): throw CommandError(error, in: text)
        }
        if let output = pipeline.output {
            throw CommandError(
                "monitor shows a table: '\(output.stage.text)' views or writes one, so leave it out of the query")
        }
        let source = try tables.table(pipeline.source.text)
        let environment = QueryPipeline.Environment(table: { try self.tables.table($0) }, keep: { _, _ in })
        switch pipeline.run(on: source, environment: environment) {
        case .success(let table): return table
        case .failure(let error): throw CommandError(error, in: text)
        }
    }

    /// Without a terminal: two readings one interval apart, printed once.
    private func printOneFrame(_ state: MonitorState) {
        let before = monitorSample()
        let end = before.time + state.interval
        while ProcessInfo.processInfo.systemUptime < end && !ShellInterrupt.isPending {
            if !pumpEvents() {
                pump.wait(milliseconds: Int32(max(1, min(100, (end - ProcessInfo.processInfo.systemUptime) * 1000))))
            }
        }
        let now = monitorSample()
        let table = monitorTable(state)
        var lines = MonitorScreen.render(
            now: now, before: before, table: table, state: state, cpus: onlineCPUs, width: 200, height: 40)
        // No keys to press here.
        lines.removeLast(2)
        while lines.last?.isEmpty == true { lines.removeLast() }
        print(lines.joined(separator: "\n"))
    }
}
