import Codegen
import Foundation
import Kernel
import Language
import Tables

/// Runs one bpftrace-style program to completion, like `bpftrace -e`: compile, create maps,
/// load, attach everything, fire BEGIN, stream events, and on exit() / Ctrl-C / the end of
/// the `-c` command run END and print the maps.
public final class OneShotRun {
    public struct Options {
        public var format: OutputFormat = .text
        public var positionalParameters: [String] = []
        public var allowUnsafe = false
        public var command: String? = nil
        public var targetPID: Int32? = nil
        public var printIR = false
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
        let kernelCatalogue = Kernel.ProbeCatalogue()
        let catalogue = LiveCatalogue(kernel: kernelCatalogue)
        let child = options.command.map { try? ChildCommand(command: $0) } ?? nil
        if options.command != nil && child == nil {
            errors("bpfsh: cannot start the command '\(options.command!)'\n")
            return .kernelError
        }
        let pipeline = ProgramPipeline(
            catalogue: catalogue,
            analyzerOptions: SemanticAnalyzer.Options(positionalParameters: options.positionalParameters, allowUnsafe: options.allowUnsafe),
            codegenOptions: CodegenOptions(startTimeNanoseconds: MonotonicClock.nanoseconds(),
                                           cpuCount: ProcessInfo.processInfo.activeProcessorCount,
                                           childPID: child?.pid ?? 0,
                                           positionalParameters: options.positionalParameters))
        let compiled: CompiledProgram
        do {
            compiled = try pipeline.compile(source, keepIR: options.printIR)
        } catch let list as DiagnosticList {
            errors(list.rendered(in: source))
            child?.kill()
            return .compileError
        } catch {
            errors("bpfsh: \(error)\n")
            child?.kill()
            return .compileError
        }
        if options.printIR { output(compiled.ir) }

        let maps = MapSet()
        defer { maps.closeAll() }
        var loader = ProbeLoader(catalogue: kernelCatalogue)
        if let pid = options.targetPID { loader.targetPID = pid }
        var begin: [LoadedProgram] = [], end: [LoadedProgram] = []
        var links: [AttachedLink] = []
        var programs: [LoadedProgram] = []
        defer {
            for link in links { link.detach() }
            for program in programs { program.close() }
        }
        do {
            for spec in compiled.programs {
                let program: LoadedProgram
                do {
                    program = try loader.load(spec, compiled: compiled, maps: maps)
                } catch KernelError.verifierRejected(let name, let log, let instruction) {
                    let unit = compiled.checked.units[spec.unitIndex]
                    let diagnostic = VerifierDiagnostics.diagnose(log: log, instruction: instruction, unit: unit, program: name)
                    errors(diagnostic.rendered(in: source))
                    child?.kill()
                    return .kernelError
                }
                programs.append(program)
                switch spec.target.kind {
                case .begin: begin.append(program)
                case .end: end.append(program)
                default: break
                }
            }
        } catch {
            errors("bpfsh: \(error)\n")
            child?.kill()
            return .kernelError
        }

        let symbolizer = SessionSymbolizer(stacks: maps[InternalMap.stacks])
        let decoder = ValueDecoder(symbolizer: symbolizer)
        let reader = MapReader(decoder: decoder)
        func table(_ name: String) -> MapTable? {
            guard let info = compiled.checked.map(named: String(name.dropFirst())), let map = maps[name] else { return nil }
            return reader.table(info, map: map)
        }
        let dispatcher = EventDispatcher(program: compiled.checked, decoder: decoder, format: options.format, write: output) { action, name in
            switch action {
            case "clear": maps[name]?.clear(); return nil
            case "zero": maps[name]?.zeroValues(); return nil
            default: return table(name)
            }
        }
        let ring: EventRing
        do {
            guard let events = maps[InternalMap.events] else { throw KernelError.system(operation: "finding the event ring", errno: 2) }
            ring = try EventRing(map: events) { dispatcher.handle($0) }
        } catch {
            errors("bpfsh: \(error)\n")
            return .kernelError
        }

        let attachable = compiled.programs.filter { $0.target.kind != .begin && $0.target.kind != .end }
        output(options.format.attaching(compiled.programs.count))
        do {
            for (spec, program) in zip(compiled.programs, programs) where spec.target.kind != .begin && spec.target.kind != .end {
                if let link = try loader.attach(program, target: spec.target) { links.append(link) }
            }
        } catch {
            errors("bpfsh: \(error)\n")
            child?.kill()
            return .kernelError
        }
        _ = attachable

        InterruptFlag.install()
        child?.start()
        // BEGIN fires once every other probe is attached, as in bpftrace.
        for program in begin { _ = try? program.testRun() }
        ring.drain()

        let runsForever = !attachable.isEmpty || child != nil
        while runsForever && !dispatcher.exitRequested && !InterruptFlag.isSet {
            ring.poll(timeoutMilliseconds: 100)
            if let child, child.hasExited() { break }
            if let pid = options.targetPID, kill(pid, 0) != 0 && errno == ESRCH { break }
        }
        // Stop the probes before END so the printed maps are a consistent final state.
        for link in links { link.detach() }
        ring.drain()
        for program in end { _ = try? program.testRun() }
        ring.drain()
        child?.kill()

        let tables = compiled.checked.maps.compactMap { table("@" + $0.name) }.filter { !$0.rows.isEmpty }
        if !tables.isEmpty { output(options.format.exit(tables)) }
        let lost = sum(maps[InternalMap.lostEvents])
        if lost > 0 { errors(options.format.lost(lost)) }
        let dropped = sum(maps[InternalMap.droppedUpdates])
        if dropped > 0 { errors("bpfsh: \(dropped) map updates were dropped because a map was full (\(CodegenOptions().mapMaxEntries) entries)\n") }
        return .finished(dispatcher.exitCode)
    }

    private func sum(_ map: LoadedMap?) -> UInt64 {
        guard let map, let values = map.lookup([0, 0, 0, 0]) else { return 0 }
        return values.reduce(0) { $0 &+ word($1, 0) }
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
