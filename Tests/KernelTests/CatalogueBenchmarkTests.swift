import XCTest

@testable import Kernel

/// Figures, not assertions: run with BPFSH_BENCH=1 to print how long catalogue work takes
/// (the design's rule: speed is measured by benchmarks, never by timed unit tests).
final class CatalogueBenchmarkTests: XCTestCase {
    func milliseconds(_ duration: Duration) -> String {
        let value = Double(duration.components.seconds) * 1e3 + Double(duration.components.attoseconds) / 1e15
        return value < 1 ? "\(Int((value * 1000).rounded())) µs" : "\(Double(Int(value * 100)) / 100) ms"
    }

    func testPrintCatalogueFigures() throws {
        guard ProcessInfo.processInfo.environment["BPFSH_BENCH"] == "1" else {
            throw XCTSkip("a benchmark that prints figures and asserts nothing: run with BPFSH_BENCH=1 to see them")
        }
        try KernelCatalogueTestSupport.requireRoot("benchmarking the catalogue")
        let clock = ContinuousClock()
        var lines: [String] = []

        let features = clock.measure { _ = KernelFeatures.probe() }
        lines.append("feature probe, first (loads BTF): \(milliseconds(features))")
        let again = KernelFeatures.probe()
        lines.append("feature probe, BTF already loaded: \(milliseconds(again.probeDuration))")
        print(again.report())

        let catalogue = ProbeCatalogue()
        lines.append("tracefs locate: \(milliseconds(clock.measure { _ = try? catalogue.traceFS() }))")
        let coldFormat = clock.measure { _ = try? catalogue.format(category: "sched", event: "sched_switch") }
        lines.append("sched_switch format, read + parse (cold): \(milliseconds(coldFormat))")
        let cachedFormat = clock.measure { _ = try? catalogue.format(category: "sched", event: "sched_switch") }
        lines.append("sched_switch format, cached: \(milliseconds(cachedFormat))")
        let text = try SystemFile.readText("/sys/kernel/tracing/events/sched/sched_switch/format").get()
        let parse = clock.measure {
            for _ in 0..<1000 { _ = TracepointFormatParser.parse(text, category: "sched", event: "sched_switch") }
        }
        lines.append("sched_switch parse only: \(milliseconds(parse / 1000))")

        let fresh = ProbeCatalogue()
        let coldList = clock.measure { _ = fresh.list(matching: "tracepoint:sched:*") }
        lines.append("list tracepoint:sched:* (cold, reads available_events): \(milliseconds(coldList))")
        let warmList = clock.measure { _ = fresh.list(matching: "tracepoint:sched:*") }
        lines.append("list tracepoint:sched:* (warm): \(milliseconds(warmList))")
        lines.append("list * (all providers, warm): \(milliseconds(clock.measure { _ = fresh.list(matching: "*") }))")
        let verboseTracepoints = clock.measure { _ = fresh.list(matching: "tracepoint:*", verbose: true) }
        lines.append("list -v tracepoint:* (all formats, cold): \(milliseconds(verboseTracepoints))")
        let verboseRawTracepoints = clock.measure { _ = fresh.list(matching: "rawtracepoint:*", verbose: true) }
        lines.append("list -v rawtracepoint:* (BTF args): \(milliseconds(verboseRawTracepoints))")
        let alternatives = KprobeAlternatives(catalogue: fresh)
        let suggestions = clock.measure { _ = alternatives.suggestions(for: "vfs_read") }
        lines.append("kprobe alternatives for vfs_read: \(milliseconds(suggestions))")
        print(lines.joined(separator: "\n"))
    }
}
