import Foundation
import Session
import Tables

/// Every shell command, in the order `help` lists them. One table drives dispatch, help and
/// completion.
enum CommandTable {
    static let all: [Command] =
        probeCommands + mapCommands + TableCommands.all + FileCommands.all + ScriptCommands.all + TutorialCommands.all
        + timeCommands + SeriesCommands.all + MonitorCommands.all + systemCommands + ConfigCommands.all

    static let probeCommands: [Command] = [
        Command(
            name: "probes", usage: "probes",
            summary: "list probes: state, attach points, times fired, BPF instructions, maps (ns per run with statistics on)"
        ) { shell, _, _ in
            let measuring = shell.session.statisticsEnabled
            let rows = shell.session.probes.map { probe -> [String] in
                let points =
                    probe.attachPoints.count <= 2
                    ? probe.attachPoints.joined(separator: " ")
                    : "\(probe.attachPoints[0]) +\(probe.attachPoints.count - 1) more"
                var row = [probe.name, probe.state.rawValue, points, probe.fired.map(String.init) ?? "-"]
                if measuring { row.append(nanosecondsPerRun(probe) ?? "-") }
                return row + [String(probe.instructionCount), probe.maps.joined(separator: " ")]
            }
            if rows.isEmpty {
                shell.print("no probes yet: define one with NAME = PROBE { ... }")
                return
            }
            let headers = ["name", "state", "attach points", "fired"] + (measuring ? ["ns/run"] : []) + ["insns", "maps"]
            shell.showColumns(headers: headers, rows: rows)
        },
        Command(
            name: "show", usage: "show NAME [--ir | --asm]",
            summary: "a probe's source, attach points, maps, timings and generated code",
            argument: .probe
        ) { shell, args, _ in
            guard let name = args.first(where: { !$0.hasPrefix("--") }) else {
                throw CommandError("usage: show NAME [--ir | --asm]")
            }
            guard let probe = shell.session.probe(named: name) else { throw SessionError.unknownProbe(name) }
            var text = "\(probe.name) (\(probe.state.rawValue))\n"
            text +=
                probe.source.text.split(separator: "\n", omittingEmptySubsequences: false).map { "  | " + $0 }.joined(
                    separator: "\n") + "\n"
            text += "attach points: " + probe.attachPoints.joined(separator: ", ") + "\n"
            text += "maps: " + (probe.maps.isEmpty ? "none" : probe.maps.joined(separator: " ")) + "\n"
            text +=
                "programs: "
                + probe.compiled.programs.map { "\($0.name) \($0.instructionCount) insns" }.joined(separator: ", ")
                + "\n"
            if let own = probe.excludedProcess {
                text += "ignores bpfsh's own process (pid \(own)); start bpfsh with --trace-self to include it\n"
            }
            text += "fired " + (probe.fired.map { "\($0) times" } ?? "an uncounted number of times") + ", "
            if !shell.session.statisticsEnabled {
                text += "ns per run: statistics off (`statistics on` measures it)\n"
            } else if let perRun = nanosecondsPerRun(probe) {
                text += "\(perRun) ns per run\n"
            } else {
                text += "ns per run: no run since statistics on\n"
            }
            if let lost = shell.session.lostEvents(of: probe), lost > 0 {
                text += "\(lost) of its events lost: the event ring buffer was full\n"
            }
            text += "compile \(format(probe.timings["compile"])) ms"
            // A program from the cache was neither lowered nor optimized in this session.
            let phases = ["check", "lower", "optimize", "codegen"].compactMap { phase in
                probe.timings[phase].map { "\(phase) \(format($0))" }
            }
            if !phases.isEmpty { text += " (" + phases.joined(separator: ", ") + ")" }
            text += " · load \(format(probe.timings["load"])) ms · attach \(format(probe.timings["attach"])) ms\n"
            if args.contains("--ir") {
                text += try probe.intermediateRepresentation()
            }
            if args.contains("--asm") {
                text += try probe.assembly()
            }
            shell.print(text)
        },
        Command(
            name: "statistics", usage: "statistics [on | off]",
            summary: "turn the kernel's BPF run statistics on or off: ns per run in show and probes",
            details: """
                While on, the kernel times every run of every BPF program on the machine, not only
                bpfsh's, so they are off until asked for. fired counts need none: each probe counts
                its own runs.
                """
        ) { shell, args, _ in
            switch args.first {
            case nil: break
            case "on": try shell.session.setStatistics(true)
            case "off": try shell.session.setStatistics(false)
            default: throw CommandError("usage: statistics [on | off]")
            }
            shell.print(
                shell.session.statisticsEnabled
                    ? "statistics on: the kernel times every BPF program's runs; show and probes give ns per run"
                    : "statistics off")
        },
        Command(name: "attach", usage: "attach NAME", summary: "attach a detached probe again", argument: .probe) {
            shell, args, _ in
            guard let name = args.first else { throw CommandError("usage: attach NAME") }
            try shell.session.attach(name)
            shell.print("\(name) attached")
        },
        Command(
            name: "detach", usage: "detach NAME | all",
            summary: "detach a probe (others keep running, its maps stay readable)",
            argument: .probe
        ) { shell, args, _ in
            guard let name = args.first else { throw CommandError("usage: detach NAME | all") }
            // Said only once every link is gone (a link closing waits for the kernel).
            if name == "all" {
                let report = shell.withDetachProgress { shell.session.detachAll(progress: $0) }
                shell.print("all probes detached · " + linksClosed(report))
            } else {
                let report = try shell.withDetachProgress { try shell.session.detach(name, progress: $0) }
                shell.print("\(name) detached · \(String(format: "%.2f", report.seconds * 1000)) ms")
            }
        },
        Command(
            name: "drop", usage: "drop NAME | all", summary: "detach and forget a probe; its maps stay",
            argument: .probe
        ) { shell, args, _ in
            guard let name = args.first else { throw CommandError("usage: drop NAME | all") }
            if name == "all" {
                let report = shell.withDetachProgress { shell.session.dropAll(progress: $0) }
                shell.print("all probes dropped · " + linksClosed(report))
            } else {
                try shell.withDetachProgress { try shell.session.drop(name, progress: $0) }
                shell.print("\(name) dropped")
            }
        },
    ]

    static let mapCommands: [Command] = [
        Command(
            name: "maps", usage: "maps", summary: "list the session's maps with their key and value types and sizes"
        ) { shell, _, _ in
            let rows = shell.session.mapInfos.map { info -> [String] in
                let keys = info.keys.isEmpty ? "-" : info.keys.map(\.description).joined(separator: ", ")
                let value: String
                switch info.value {
                case .aggregation(let a, _): value = a.description + "()"
                case .plain(let t): value = t.description
                }
                let entries = (try? shell.session.table(info.name).rows.count) ?? 0
                let users = shell.session.probes.filter { $0.maps.contains("@" + info.name) }.map(\.name).joined(
                    separator: " ")
                return ["@" + info.name, keys, value, String(entries), users]
            }
            if rows.isEmpty {
                shell.print("no maps yet")
                return
            }
            shell.showColumns(headers: ["map", "key", "value", "entries", "probes"], rows: rows)
        },
        Command(name: "print", usage: "print @MAP [TOP]", summary: "print a map as bpftrace does", argument: .map) {
            shell, args, _ in
            guard let name = args.first else { throw CommandError("usage: print @MAP [TOP]") }
            let table = try shell.session.table(name)
            let top = args.count > 1 ? Int(args[1]) ?? 0 : 0
            shell.show(table, text: BpftraceTextRenderer.render(table, options: PrintOptions(top: top)))
        },
        Command(name: "clear", usage: "clear @MAP", summary: "delete every entry of a map", argument: .map) {
            shell, args, _ in
            guard let name = args.first else { throw CommandError("usage: clear @MAP") }
            try shell.session.clear(name)
            shell.print("\(name.hasPrefix("@") ? name : "@" + name) cleared")
        },
        Command(
            name: "forget", usage: "forget @MAP | unused",
            summary: "forget a map no probe uses (its data and its types)",
            argument: .map
        ) { shell, args, _ in
            guard let name = args.first else { throw CommandError("usage: forget @MAP | unused") }
            if name == "unused" {
                let forgotten = shell.session.forgetUnusedMaps()
                shell.print(forgotten.isEmpty ? "every map is in use" : "forgot " + forgotten.joined(separator: " "))
                return
            }
            try shell.session.forget(name)
            shell.print("\(name.hasPrefix("@") ? name : "@" + name) forgotten")
        },
        Command(
            name: "join", aliases: ["merge"], usage: "join @A @B [...]",
            summary: "put maps side by side by key (e.g. reads and writes per process)",
            argument: .map
        ) { shell, args, _ in
            guard args.count >= 2 else { throw CommandError("usage: join @A @B [...]") }
            let tables = try args.map { try shell.session.table($0) }
            shell.print(TableJoin.render(tables))
        },
    ]

    static let timeCommands: [Command] = [
        Command(
            name: "wait", usage: "wait DURATION", summary: "let probes run for a while (Ctrl-C stops waiting)",
            details: "DURATION is like 2s, 500ms, 1m. Probe output appears as it arrives. A recording marks the "
                + "time spent between statements `wait Ns  # idle`; a replay with --max-wait caps those.",
            argument: .duration
        ) { shell, args, _ in
            guard let text = args.first, var seconds = Duration.seconds(text) else {
                throw CommandError("usage: wait DURATION (e.g. 2s, 500ms)")
            }
            if let cap = shell.maxIdleWait, seconds > cap, SessionRecorder.isIdle(comment: Array(args.dropFirst())) {
                shell.print("idle wait of \(Duration.text(seconds)) cut to \(Duration.text(cap)) (--max-wait)")
                seconds = cap
            }
            shell.wait(seconds: seconds)
        },
        Command(
            name: "watch", usage: "watch COMMAND [every DURATION]",
            summary: "rerun a command, refreshing it in place, until Ctrl-C",
            argument: .command
        ) { shell, args, rest in
            var commandText = rest
            var interval = 1.0
            if let range = rest.range(of: " every ", options: .backwards) {
                guard
                    let seconds = Duration.seconds(
                        String(rest[range.upperBound...]).trimmingCharacters(in: .whitespaces)), seconds > 0
                else {
                    throw CommandError("usage: watch COMMAND [every DURATION]")
                }
                interval = seconds
                commandText = String(rest[..<range.lowerBound])
            }
            guard let first = StatementClassifier.words(commandText).first, shell.command(named: first) != nil,
                first != "watch"
            else {
                throw CommandError("usage: watch COMMAND [every DURATION], e.g. watch print @calls 5 every 1s")
            }
            shell.watch(commandText, every: interval)
        },
        Command(
            name: "output", usage: "output [N]",
            summary: "the last N lines probes printed (default 20), shown or not",
            details: "When probes print faster than the terminal shows, the shell hides the excess and says how "
                + "many lines it did not show; the last 1000 are kept here."
        ) { shell, args, _ in
            guard let count = args.first.map({ Int($0) }) ?? 20, count > 0 else {
                throw CommandError("usage: output [N] (a number of lines, e.g. output 50)")
            }
            let lines = shell.recentLines.last(count)
            guard !lines.isEmpty else {
                shell.print("no probe output yet")
                return
            }
            let total = shell.recentLines.total
            let header = "last \(lines.count) of \(total) line\(total == 1 ? "" : "s") probes printed"
            shell.print(header + ":\n" + lines.joined(separator: "\n"))
        },
    ]

    static let systemCommands: [Command] = [
        Command(name: "kernel", usage: "kernel", summary: "what this kernel can trace, and why not where it cannot") {
            shell, _, _ in
            shell.print(shell.featureReport?().report ?? "no kernel feature report in this session")
        },
        Command(
            name: "spawn", usage: "spawn COMMAND",
            summary: "start a background workload; its pid is cpid for later probes",
            argument: .shellText
        ) { shell, _, rest in
            guard !rest.isEmpty else { throw CommandError("usage: spawn COMMAND") }
            let job = try shell.workloads.spawn(rest)
            shell.session.options.childPID = job.pid
            shell.print("[\(job.id)] \(job.pid) \(job.command)")
        },
        Command(name: "jobs", usage: "jobs", summary: "list the workloads started with spawn") { shell, _, _ in
            let rows = shell.workloads.jobs.map {
                ["\($0.id)", "\($0.pid)", $0.isRunning ? "running" : "exited", $0.command]
            }
            if rows.isEmpty {
                shell.print("no workloads")
                return
            }
            shell.showColumns(headers: ["job", "pid", "state", "command"], rows: rows)
        },
        Command(name: "stop", usage: "stop JOB | all", summary: "stop a workload started with spawn") {
            shell, args, _ in
            guard let which = args.first else { throw CommandError("usage: stop JOB | all") }
            if which == "all" {
                shell.workloads.stopAll()
                return
            }
            guard let id = Int(which), shell.workloads.stop(id) else {
                throw CommandError("no job \(which) (see: jobs)")
            }
        },
        Command(name: "editor", usage: "editor emacs | vi", summary: "choose the line-editing keys") { shell, args, _ in
            guard let mode = args.first, mode == "vi" || mode == "emacs" else {
                throw CommandError("usage: editor emacs | vi")
            }
            (shell.reader as? EditLineReader)?.setEditor(mode)
        },
        Command(
            name: "help", aliases: ["?"], usage: "help [COMMAND]", summary: "list commands, or explain one",
            argument: .command
        ) { shell, args, _ in
            if args.first == "providers" {
                shell.showProviders()
                return
            }
            if let name = args.first {
                guard let command = shell.command(named: name) else { throw CommandError("no command '\(name)'") }
                shell.print(
                    "\(command.usage)\n  \(command.summary)" + (command.details.isEmpty ? "" : "\n  \(command.details)")
                )
                return
            }
            let width = HelpTopics.terminalWidth()
            let intro = [
                "Define a probe: NAME = PROBE[, PROBE...] [/PREDICATE/] { ... } (bpftrace syntax; an unclosed { "
                    + "continues). Paste a bpftrace program to define it with a generated name. ! CMD runs a shell "
                    + "command."
            ]
            let outro = [
                "help COMMAND explains one; help providers lists the probe types; kernel says which this kernel "
                    + "supports. Ctrl-C cancels the line or a running wait/watch; Ctrl-D or quit leaves (probes are "
                    + "detached)."
            ]
            var text = intro.flatMap { HelpTopics.wrap($0, width: width - 1) }.joined(separator: "\n") + "\n"
            text += HelpTopics.render(shell.commands, width: width)
            text += "\n" + outro.flatMap { HelpTopics.wrap($0, width: width - 1) }.joined(separator: "\n")
            shell.print(text)
        },
        Command(name: "quit", aliases: ["exit"], usage: "quit", summary: "leave the shell, detaching every probe") {
            shell, _, _ in
            shell.quitRequested = true
        },
    ]

    static func format(_ value: Double?) -> String { String(format: "%.2f", value ?? 0) }

    /// "300 links closed in 1.23 s"
    static func linksClosed(_ report: TracingSession.DetachReport) -> String {
        "\(report.links) link\(report.links == 1 ? "" : "s") closed in \(String(format: "%.2f", report.seconds)) s"
    }
}

/// A probe's average run time while statistics were on, or nil when none ran then.
private func nanosecondsPerRun(_ probe: LiveProbe) -> String? {
    let stats = probe.runStatistics
    guard stats.runs > 0 else { return nil }
    return String(stats.nanoseconds / stats.runs)
}
