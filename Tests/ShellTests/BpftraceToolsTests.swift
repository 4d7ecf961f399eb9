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
        "naptime.bt", "oomkill.bt", "opensnoop.bt", "pidpersec.bt", "runqlat.bt", "runqlen.bt", "setuids.bt", "ssllatency.bt",
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

    /// opensnoop.bt walks the current directory's dentries in a loop over a range whose end
    /// is a getopt() value (a bpf_loop callback), with strings in scratch memory: it runs, and
    /// a relative open is printed with the directory it was made in.
    func testOpensnoopPrintsRelativeOpensWithTheirDirectory() throws {
        try KernelTestGate.require()
        let tool = Self.reference.appendingPathComponent("tools/opensnoop.bt")
        try KernelTestGate.require(
            FileManager.default.fileExists(atPath: tool.path), "bpftrace's tools are not at \(tool.path)")
        let result = try CommandRunner.run(
            KernelTestGate.executable, [tool.path],
            after: "cd /usr/share/doc && cat bash/copyright nosuchfile >/dev/null 2>&1", timeout: 30,
            interruptAfter: true)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("PID    COMM               FD  ERR PATH"), result.stdout)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        XCTAssertTrue(
            lines.contains { $0.contains(" cat ") && $0.hasSuffix(" 0 /usr/share/doc/bash/copyright") },
            result.stdout.suffix(3000).description)
        XCTAssertTrue(
            lines.contains { $0.contains(" cat ") && $0.contains(" -1 ") && $0.hasSuffix(" 2 /usr/share/doc/nosuchfile") },
            result.stdout.suffix(3000).description)
    }

    /// The tools that need no kprobe or fentry (24 of them: tracepoints, uprobes, profile and
    /// interval probes), each run under a workload until Ctrl-C: it must attach, print the
    /// header its BEGIN writes and end cleanly; the ones whose events the workload surely
    /// causes must print their maps too.
    static let runWithoutKprobes: [String] = [
        "bashreadline.bt", "biolatency.bt", "biosnoop.bt", "biostacks.bt", "bitesize.bt", "cpuwalk.bt",
        "execsnoop.bt", "gethostlatency.bt", "killsnoop.bt", "loads.bt", "naptime.bt", "opensnoop.bt",
        "pidpersec.bt", "runqlat.bt", "runqlen.bt", "setuids.bt", "ssllatency.bt", "sslsnoop.bt", "statsnoop.bt",
        "syncsnoop.bt", "syscount.bt", "tcpdrop.bt", "threadsnoop.bt", "writeback.bt",
    ]
    /// Refused here, with the reason the test checks: this kernel's kallsyms lacks `avenrun`
    /// (no CONFIG_KALLSYMS_ALL), which bpftrace cannot read either.
    static let refusedHere: [String: String] = ["loads.bt": "avenrun"]
    /// Tools whose maps the workload fills for sure (scheduler events, CPU samples, syscalls).
    static let mapsPrinted: Set<String> = ["runqlat.bt", "runqlen.bt", "cpuwalk.bt", "syscount.bt"]
    /// Execs, opens, stats, signals, syncs, sleeps and direct writes, for 0.5-1 s.
    static let workload = """
        i=0; while [ $i -lt 25 ]; do /bin/true; cat /etc/hostname >/dev/null; stat / >/dev/null; \
        kill -0 $$; sync; sleep 0.02; i=$((i+1)); done; \
        dd if=/dev/zero of=/tmp/bpfsh-tools-io bs=64k count=8 oflag=direct 2>/dev/null; rm -f /tmp/bpfsh-tools-io
        """

    func testToolsWithoutKprobesRun() throws {
        try KernelTestGate.require()
        let tools = Self.reference.appendingPathComponent("tools")
        try KernelTestGate.require(
            FileManager.default.fileExists(atPath: tools.path),
            "bpftrace's tools are not at \(tools.path) (CI has ../shared beside the clone)")
        var failures: [String] = []
        for name in Self.runWithoutKprobes {
            let path = tools.appendingPathComponent(name).path
            let source = try String(contentsOfFile: path, encoding: .utf8)
            let result = try CommandRunner.run(
                KernelTestGate.executable, [path], after: Self.workload, timeout: 30, interruptAfter: true)
            if let reason = Self.refusedHere[name] {
                if result.status == 0 || !result.stderr.contains(reason) {
                    failures.append("\(name): expected a refusal naming \(reason), got exit \(result.status): \(result.stderr.prefix(300))")
                }
                continue
            }
            var problems: [String] = []
            if result.status != 0 { problems.append("exit \(result.status)") }
            if result.timedOut { problems.append("did not end on Ctrl-C") }
            if let header = Self.header(of: source), !result.stdout.contains(header) {
                problems.append("no header \"\(header)\"")
            }
            if Self.mapsPrinted.contains(name), !result.stdout.contains("@") { problems.append("no maps printed") }
            if !problems.isEmpty {
                failures.append(
                    "\(name): \(problems.joined(separator: ", "))\n  stderr: \(result.stderr.prefix(300))"
                        + "\n  stdout: \(result.stdout.prefix(300))")
            }
        }
        XCTAssertEqual(failures, [], failures.joined(separator: "\n"))
    }

    /// The text of the first printf in a tool's BEGIN block, up to its first conversion or
    /// escape: what the tool prints when it starts.
    static func header(of source: String) -> String? {
        guard let begin = source.firstRange(of: #/\b(BEGIN|begin)\s*\{/#),
            let call = source[begin.upperBound...].firstMatch(of: #/printf\("([^"]*)"/#)
        else { return nil }
        let text = call.1.prefix { $0 != "%" && $0 != "\\" }
        return text.isEmpty ? nil : String(text)
    }
}

