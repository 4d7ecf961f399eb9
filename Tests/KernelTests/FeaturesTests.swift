import XCTest

@testable import Kernel

final class FeaturesTests: XCTestCase {
    typealias Support = KernelCatalogueTestSupport

    func testBannerAndReportRendering() {
        let features = KernelFeatures(
            results: [
                FeatureResult(feature: .btf, status: .works, evidence: "/sys/kernel/btf/vmlinux"),
                FeatureResult(feature: .tracepoints, status: .works, evidence: "loaded"),
                FeatureResult(feature: .uprobes, status: .works, evidence: "PMU"),
                FeatureResult(feature: .perfSampling, status: .works, evidence: "cpu-clock"),
                FeatureResult(feature: .kprobes, status: .unsupported(reason: "no kprobe PMU"), evidence: "looked"),
                FeatureResult(feature: .fentry, status: .unsupported(reason: "EPERM"), evidence: "loaded"),
                FeatureResult(feature: .hardwarePMCs, status: .unsupported(reason: "ENOENT"), evidence: "opened"),
                FeatureResult(feature: .ringBuffer, status: .unknown(reason: "needs CAP_BPF"), evidence: "created"),
            ], probeDuration: .milliseconds(12))
        XCTAssertEqual(
            features.banner(),
            "BTF ✓ · tracepoints ✓ · uprobes ✓ · perf sampling ✓ · kprobes ✗ · fentry ✗ · PMCs ✗")
        XCTAssertEqual(features[.kprobes], .unsupported(reason: "no kprobe PMU"))
        XCTAssertEqual(features[.stackMaps], .unknown(reason: "not probed"))
        XCTAssertFalse(features[.ringBuffer].isConclusive)
        XCTAssertTrue(features[.fentry].isConclusive)
        XCTAssertEqual(features.banner([.ringBuffer]), "ring buffer ?")
        let report = features.report()
        XCTAssertTrue(report.contains("✗ kprobes"))
        XCTAssertTrue(
            report.contains(
                "    not supported: no kprobe PMU\n    so these probe types are refused: kprobe, kretprobe\n"))
        XCTAssertTrue(report.contains("    unknown: needs CAP_BPF"))
        XCTAssertTrue(report.hasSuffix("probed in 12.0 ms"))
    }

    func testErrnoNames() {
        XCTAssertEqual(OSErrno(1).description, "EPERM (Operation not permitted)")
        XCTAssertEqual(OSErrno(524).name, "ENOTSUPP")
        XCTAssertEqual(OSErrno(524).message, "operation not supported by this kernel")
        XCTAssertEqual(OSErrno(9999).name, "errno 9999")
    }

    func testProbesOnThisKernel() throws {
        try Support.requireRoot("probing BPF features")
        let before = Support.openDescriptorCount()
        let features = KernelFeatures.probe()
        let after = Support.openDescriptorCount()
        XCTAssertEqual(before, after, "every probe closes what it opens")
        XCTAssertEqual(features.results.map(\.feature), KernelFeature.allCases)

        // What this machine's kernel is known to do (see DESIGN.md).
        XCTAssertEqual(features[.btf], .works)
        XCTAssertEqual(features[.tracepoints], .works)
        XCTAssertEqual(features[.rawTracepoints], .works)
        XCTAssertEqual(features[.tpBTF], .works)
        XCTAssertEqual(features[.uprobes], .works)
        XCTAssertEqual(features[.perfSampling], .works)
        XCTAssertEqual(features[.ringBuffer], .works)
        XCTAssertEqual(features[.stackMaps], .works)
        XCTAssertEqual(features[.runStatistics], .works)
        // Every answer is conclusive when run as root.
        XCTAssertTrue(features.results.allSatisfy(\.status.isConclusive), features.report())
    }

    func testMissingFeaturesSayWhy() throws {
        try Support.requireRoot("probing BPF features")
        let features = KernelFeatures.probe(features: [.kprobes, .fentry, .hardwarePMCs])
        // Only assert "unsupported" where the kernel lacks it; elsewhere "works" is right.
        if case let .unsupported(reason) = features[.kprobes] {
            XCTAssertTrue(reason.contains("kprobe"), reason)
        } else {
            XCTAssertEqual(features[.kprobes], .works)
        }
        if case let .unsupported(reason) = features[.fentry] {
            XCTAssertTrue(reason.contains("vfs_read") && reason.contains("E"), reason)
        }
        if case let .unsupported(reason) = features[.hardwarePMCs] {
            XCTAssertTrue(reason.contains("perf_event_open"), reason)
        }
    }

    /// The probe's answers agree with what the kernel's own files say, on any kernel: each
    /// fact is read here independently of the prober (plain FileManager, no SystemFile).
    func testProbeAgreesWithTheKernelsOwnFiles() throws {
        try Support.requireRoot("probing BPF features")
        let features = KernelFeatures.probe()
        let report = features.report()
        let files = FileManager.default
        func exists(_ path: String) -> Bool { files.fileExists(atPath: path) }
        let pmus = "/sys/bus/event_source/devices"
        let traceFS = ["/sys/kernel/tracing", "/sys/kernel/debug/tracing"].first { exists($0 + "/events") }

        let hasBTF = exists("/sys/kernel/btf/vmlinux")
        XCTAssertEqual(features[.btf] == .works, hasBTF, report)
        if !hasBTF {
            XCTAssertNotEqual(features[.fentry], .works, "fentry needs kernel BTF\n" + report)
            XCTAssertNotEqual(features[.tpBTF], .works, "tp_btf needs kernel BTF\n" + report)
        }
        if features[.tracepoints] == .works {
            XCTAssertNotNil(traceFS, "tracepoints work, so tracefs has events/\n" + report)
        }
        let hasUprobeInterface =
            exists(pmus + "/uprobe") || traceFS.map { exists($0 + "/uprobe_events") } == true
        XCTAssertEqual(features[.uprobes] == .works, hasUprobeInterface, report)
        let hasKprobeInterface =
            exists(pmus + "/kprobe") || traceFS.map { exists($0 + "/kprobe_events") } == true
        if !hasKprobeInterface {
            XCTAssertNotEqual(features[.kprobes], .works, "no kprobe PMU and no kprobe_events\n" + report)
        }
        #if arch(x86_64) || arch(arm64)
            // Hardware counters need a core PMU: `cpu` (or cpu_core/cpu_atom) on x86, armv8_* on arm64.
            let corePMU = ((try? files.contentsOfDirectory(atPath: pmus)) ?? []).contains {
                $0 == "cpu" || $0.hasPrefix("cpu_") || $0.hasPrefix("armv8")
            }
            if !corePMU {
                XCTAssertNotEqual(features[.hardwarePMCs], .works, "no core PMU in \(pmus)\n" + report)
            }
        #endif
    }
}
