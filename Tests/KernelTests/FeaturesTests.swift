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
        XCTAssertTrue(report.contains("    not supported: no kprobe PMU"))
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

    func testThisMachineMatchesTheDesignNotes() throws {
        try Support.requireRoot("probing BPF features")
        // The development and CI machine has no kprobes (CONFIG_KPROBES off), refuses
        // trampolines and has no `cpu` PMU. Elsewhere these are facts to report, not to assert.
        guard !SystemFile.exists("/sys/bus/event_source/devices/kprobe"),
            !SystemFile.exists("/sys/bus/event_source/devices/cpu")
        else { return }
        let features = KernelFeatures.probe(features: KernelFeatures.bannerFeatures)
        XCTAssertEqual(
            features.banner(),
            "BTF ✓ · tracepoints ✓ · uprobes ✓ · perf sampling ✓ · kprobes ✗ · fentry ✗ · PMCs ✗",
            features.report())
    }
}
