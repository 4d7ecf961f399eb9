import Foundation
import TestSupport
import XCTest

/// Current bpftrace's own tools (`../shared/bpftrace/tools`, copied from its main branch) under
/// `bpfsh --dry-run`: compiled and loaded through this kernel's verifier, nothing attached. A
/// tool may also be refused because a kernel function it names does not exist here. The
/// figure printed is the measure of how much of today's bpftrace bpfsh accepts.
final class BpftraceToolsTests: XCTestCase {
    static let reference = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../shared/bpftrace").standardizedFileURL

    /// Tools that must pass; the list only grows as the language does.
    static let mustPass: Set<String> = [
        "bashreadline.bt", "biolatency-kp.bt", "biolatency.bt", "biosnoop.bt", "biostacks.bt", "bitesize.bt",
        "capable.bt", "cpuwalk.bt", "dcsnoop.bt", "execsnoop.bt", "gethostlatency.bt", "killsnoop.bt", "mdflush.bt",
        "naptime.bt", "oomkill.bt", "pidpersec.bt", "runqlat.bt", "runqlen.bt", "setuids.bt", "ssllatency.bt",
        "sslsnoop.bt", "statsnoop.bt", "swapin.bt", "syncsnoop.bt", "syscount.bt", "tcpaccept.bt", "tcpconnect.bt",
        "tcpdrop.bt", "tcplife.bt", "tcpretrans.bt", "tcpsynbl.bt", "threadsnoop.bt", "undump.bt", "vfscount.bt",
        "vfsstat.bt", "writeback.bt", "xfsdist.bt",
    ]

    func testToolsPassTheVerifierUnderDryRun() throws {
        try KernelTestGate.require()
        let tools = Self.reference.appendingPathComponent("tools")
        try KernelTestGate.require(
            FileManager.default.fileExists(atPath: tools.path),
            "bpftrace's tools are not at \(tools.path) (CI has ../shared beside the clone)")
        let names = try FileManager.default.contentsOfDirectory(atPath: tools.path).filter { $0.hasSuffix(".bt") }
            .sorted()
        XCTAssertGreaterThan(names.count, 30, "the reference holds bpftrace's tools")
        var passed: Set<String> = []
        var report = ""
        for name in names {
            let result = try CommandRunner.run(
                KernelTestGate.executable, ["--dry-run", tools.appendingPathComponent(name).path], readyMarker: nil,
                timeout: 60)
            let verified = result.status == 0 && result.stderr.contains("passed the verifier")
            // A wildcard no kernel function matches (dcsnoop.bt's `lookup_fast.constprop.*`) is
            // refused for the same reason.
            let absentFunction =
                result.stderr.contains("does not exist on this kernel (not in its BTF)")
                || result.stderr.contains("do not exist on this kernel (not in its BTF")
            if verified || absentFunction { passed.insert(name) }
            let firstLine = result.stderr.split(separator: "\n").first.map(String.init) ?? "exit \(result.status)"
            report += "\(verified || absentFunction ? "ok  " : "no  ") \(name): \(firstLine)\n"
        }
        print("bpftrace tools under --dry-run: \(passed.count) of \(names.count)\n" + report)
        XCTAssertEqual(Self.mustPass.subtracting(passed), [], "tools that passed before fail now:\n\(report)")
    }
}
