import Codegen
import Foundation
import Language
import Synchronization

/// The config variables this process was started with (`BPFTRACE_MAX_MAP_KEYS=...`), read
/// once; values that do not fit are reported with the first probe instead of failing.
public enum SessionConfig {
    public static let fromEnvironment = ProgramConfig.fromEnvironment(ProcessFacts.environment(withPrefix: "BPFTRACE_"))
    static let reportedEnvironment = Atomic<Bool>(false)
    /// `BPFTRACE_DUMMY_TS_MAP=@ts`: bpftrace's test hook making `tseries()` read its clock from
    /// a keyless map, so that its runtime tests' intervals are deterministic.
    public static let timeSeriesClockMap: String? = ProcessFacts.environment(withPrefix: "BPFTRACE_DUMMY_TS_MAP")[
        "BPFTRACE_DUMMY_TS_MAP"
    ].map { $0.hasPrefix("@") ? String($0.dropFirst()) : $0 }
}

extension TracingSession {
    /// A program's warnings go out with the session's other messages, rendered against the
    /// source (ignored config variables, dropped attach points); the environment's problems
    /// go with the first program.
    func reportWarnings(of compiled: CompiledProgram, in source: SourceFile) {
        if options.diagnosticStyle == .bpftrace {
            for warning in compiled.checked.warnings {
                dispatcher.sink.emit(.report(warning.rendered(in: source, style: .bpftrace), isWarning: true))
            }
            return
        }
        var lines = compiled.checked.warnings.map { $0.rendered(in: source) }
        if !SessionConfig.reportedEnvironment.exchange(true, ordering: .relaxed) {
            lines = SessionConfig.fromEnvironment.problems.map { $0 + "\n" } + lines
        }
        for text in lines {
            dispatcher.sink.emit(.warning(String(text.dropLast(text.hasSuffix("\n") ? 1 : 0))))
        }
    }
}
