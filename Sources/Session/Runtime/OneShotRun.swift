import Codegen
import Foundation
import Kernel
import Language
import Tables

/// Runs one bpftrace-style program to completion, like `bpftrace -e`: the whole program is
/// one live probe of a `TracingSession`; BEGIN fires once everything is attached, events
/// stream until exit() / Ctrl-C / the end of the `-c` command, then END runs and the maps print.
public final class OneShotRun {
    public struct Options {
        public var format: OutputFormat = .text
        public var positionalParameters: [String] = []
        public var namedParameters: [String: String?] = [:]
        public var allowUnsafe = false
        public var command: String? = nil
        public var targetPID: Int32? = nil
        public var printIR = false
        /// Compile and load through the verifier, attach nothing (`--dry-run`).
        public var dryRun = false
        /// Whether the program ignores bpfsh's own process (see TracingSession.Options).
        public var excludesOwnProcess = true
        /// Whether the kernel's release of the links is left to a child process
        /// (`BackgroundRelease`), so the process ends without waiting for it. Only for a
        /// process that exits right after the run (the bpfsh command).
        public var releasesInBackground = false
        /// How compile errors and warnings are written: as current bpftrace writes them, since
        /// people and scripts grep one-shot output for them (the shell keeps its own style).
        public var diagnosticStyle = DiagnosticStyle.bpftrace
        /// `-q`: no "Attached N probes" line.
        public var quiet = false
        /// `--no-warnings`: no warnings, whether the compiler's, the runtime's or warnf()'s.
        public var warnings = true
        /// `--probe-filter`: only attach points whose name this regex matches (BEGIN, END kept).
        public var probeFilter: String? = nil
        /// `-k`: failed probe reads are reported with their place in the program.
        public var reportsProbeReadErrors = false
        public init() {}
    }

    /// How a run ended, as an exit status a shell script can test.
    public enum Outcome: Equatable {
        case finished(Int32)
        case compileError
        case kernelError
    }

    let options: Options
    let output: (String) -> Void
    let errors: (String) -> Void

    public init(options: Options, output: @escaping (String) -> Void, errors: @escaping (String) -> Void) {
        self.options = options
        self.output = output
        self.errors = errors
    }

    public func run(_ source: SourceFile) -> Outcome {
        if options.dryRun { return verify(source) }
        let setupStarted = MonotonicClock.nanoseconds()
        let kernelCatalogue = Kernel.ProbeCatalogue()
        let sink = FilteringOutputSink(
            options.format.sink(output: output, errors: errors), quiet: options.quiet, warnings: options.warnings)
        var child: ChildCommand? = nil
        if let command = options.command {
            do { child = try ChildCommand(command: command) } catch {
                errors("bpfsh: cannot start the command '\(command)': \(error)\n")
                return .kernelError
            }
        }
        var sessionOptions = TracingSession.Options()
        sessionOptions.positionalParameters = options.positionalParameters
        sessionOptions.namedParameters = options.namedParameters
        sessionOptions.allowUnsafe = options.allowUnsafe
        sessionOptions.childPID = child?.pid ?? 0
        sessionOptions.targetPID = options.targetPID
        sessionOptions.excludesOwnProcess = options.excludesOwnProcess
        sessionOptions.probeFilter = options.probeFilter
        sessionOptions.reportsProbeReadErrors = options.reportsProbeReadErrors
        // Nothing shows a fired count here: no counter in every event.
        sessionOptions.countsFired = false
        // One program, known in full: the ring is sized by what it sends.
        sessionOptions.eventRingBytes = nil
        // Running the same program again skips LLVM.
        sessionOptions.cache = CompiledProgramCache.standard(version: Version.text)
        sessionOptions.diagnosticStyle = options.diagnosticStyle
        let live = LiveKernel(kernel: kernelCatalogue, targetPID: options.targetPID)
        let session = TracingSession(
            backend: live.backend, catalogue: live.catalogue, options: sessionOptions, sink: sink)
        defer { session.close() }
        StartupTiming.mark(.setup, since: setupStarted)

        // Current bpftrace says "Attached N probes" once they are (0.17 said "Attaching N
        // probes..." before): scripts that wait for it know the probes are live.
        let probe: LiveProbe
        do {
            // bpftrace's runtime test engine waits for this line (after attaching, before BEGIN)
            // to run a case's AFTER command; "Attached N probes" follows it, as in bpftrace.
            let notifies = ProcessFacts.isSet("__BPFTRACE_NOTIFY_PROBES_ATTACHED")
            var count = 0
            probe = try session.define(
                name: "program", text: source.text, sourceName: source.name,
                willAttach: { compiled in count = compiled.programs.count },
                didAttach: {
                    if notifies { self.output("__BPFTRACE_NOTIFY_PROBES_ATTACHED\n") }
                    sink.emit(.attached(count))
                })
        } catch SessionError.diagnostics(let list, _) {
            errors(list.rendered(in: source, style: options.diagnosticStyle))
            child?.kill()
            return .compileError
        } catch SessionError.rejected(let list, _) {
            errors(list.rendered(in: source, style: options.diagnosticStyle))
            child?.kill()
            return .kernelError
        } catch SessionError.kernel(_, let error) {
            // A one-shot run has one program: the session's internal name for it says nothing.
            errors("bpfsh: \(error)\n")
            child?.kill()
            return .kernelError
        } catch SessionError.backend(_, let error) {
            errors("bpfsh: \(error)\n")
            child?.kill()
            return .kernelError
        } catch {
            errors("bpfsh: \(error)\n")
            child?.kill()
            return .kernelError
        }
        StartupTiming.report(through: .begin, label: "ready")
        if options.printIR {
            do { output(try probe.intermediateRepresentation()) } catch { errors("bpfsh: \(error)\n") }
        }
        let runStarted = MonotonicClock.nanoseconds()

        InterruptFlag.install()
        child?.start()
        var exitCode: Int32 = 0
        let runsForever =
            probe.compiled.checked.units.contains { !$0.provider.isRunNotAttached } || child != nil
        var finished = false
        if let request = session.takeExitRequests().first {
            exitCode = request.code
            finished = true
        }
        while runsForever && !finished && !InterruptFlag.isSet {
            session.pollEvents(timeoutMilliseconds: 100)
            if let request = session.takeExitRequests().first {
                exitCode = request.code
                break
            }
            if let child, child.hasExited() { break }
            if let pid = options.targetPID, kill(pid, 0) != 0 && errno == ESRCH { break }
        }
        StartupTiming.mark(.run, since: runStarted)
        let teardownStarted = MonotonicClock.nanoseconds()
        defer {
            // Closing maps and programs is part of the exit (the outer defer finds it done).
            session.close()
            StartupTiming.mark(.teardown, since: teardownStarted)
            StartupTiming.report(through: .teardown, label: "after ready")
        }
        // Detaching runs END; the maps are then a consistent final state.
        if options.releasesInBackground {
            session.detachAllLeavingRelease()
        } else {
            session.detachAll()
        }
        // Only once every link is gone can the ring be emptied to its end: until then a
        // flood would keep refilling it.
        session.settle()
        session.drainEvents()
        // Read (and symbolize) the maps while the -c command still runs: once it is gone, its
        // mappings are too, and its user stacks would print as bare addresses.
        let tables = session.tables()
        child?.kill()

        // bpftrace ends its output with the blank line that precedes the maps even when it has
        // none to print.
        if probe.compiled.checked.config.printMapsOnExit { sink.emit(.exitMaps(tables)) }
        if session.lostEvents > 0 { sink.emit(.lost(session.lostEvents)) }
        for full in session.fullMaps() {
            // Not bpftrace's "Map full; can't update element": a map at its size is reported
            // whether or not an update was refused (nothing counts refusals on every event).
            sink.emit(.warning("\(full.name) is full (\(full.limit) entries): updates of new keys were dropped"))
        }
        return .finished(exitCode)
    }
}

enum MonotonicClock {
    static func nanoseconds() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }
}

/// Ctrl-C ends a one-shot run gracefully (maps are printed), as in bpftrace.
enum InterruptFlag {
    nonisolated(unsafe) static var flag: sig_atomic_t = 0
    static var isSet: Bool { flag != 0 }
    static func install() {
        signal(SIGINT) { _ in InterruptFlag.flag = 1 }
        signal(SIGTERM) { _ in InterruptFlag.flag = 1 }
    }
}
