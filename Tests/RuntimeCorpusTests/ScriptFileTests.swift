import Foundation
import TestSupport
import XCTest

/// Programs given as files on the real kernel: the preprocessor's includes and the BTF
/// definition, and bpftrace's own tools as Debian ships them.
final class ScriptFileTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bpfsh-scripts-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func write(_ name: String, _ text: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func testIncludesAndTheBTFBranch() throws {
        try KernelTestGate.require()
        _ = try write("lib.bt", "#define TWICE(x) ((x) * 2)\n")
        let main = try write(
            "main.bt",
            """
            #ifndef BPFTRACE_HAVE_BTF
            #include <linux/sched.h>
            #else
            #define GREETING "btf"
            #endif
            #include "lib.bt"
            BEGIN { printf("%s %d\\n", GREETING, TWICE(21)); exit(); }
            """)
        let result = try CommandRunner.run(KernelTestGate.executable, [main], readyMarker: nil, timeout: 20)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("btf 42\n"), result.stdout)
    }

    func testAnErrorInAnIncludedFileNamesIt() throws {
        try KernelTestGate.require()
        let lib = try write("broken.bt", "\nBEGIN { @x = nosuchbuiltin; }\n")
        let main = try write("uses-broken.bt", "import \"broken.bt\";\nEND { }\n")
        let result = try CommandRunner.run(KernelTestGate.executable, [main], readyMarker: nil, timeout: 20)
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.hasPrefix("\(lib):2:14-27: ERROR: unknown identifier"), result.stderr)
    }

    /// bpftrace 0.17's tools as Debian installs them (`scripts/setup` installs bpftrace):
    /// runqlat.bt needs TASK_RUNNING from a header, runqlen.bt a `#ifndef BPFTRACE_HAVE_BTF`.
    func testDebianRunQueueToolsRun() throws {
        try KernelTestGate.require()
        for tool in ["runqlat.bt", "runqlen.bt"] where !FileManager.default.fileExists(atPath: "/usr/sbin/" + tool) {
            throw XCTSkip("/usr/sbin/\(tool) is missing: scripts/setup installs bpftrace")
        }
        let runqlat = try run("/usr/sbin/runqlat.bt")
        XCTAssertEqual(runqlat.status, 0, runqlat.stderr)
        XCTAssertTrue(runqlat.stdout.contains("@usecs:"), runqlat.stdout)

        // Linux 6.14 renamed cfs_rq.nr_running to nr_queued, so on newer kernels the tool
        // stops at that member, as bpftrace itself does; with the new name it runs.
        var text = try String(contentsOfFile: "/usr/sbin/runqlen.bt", encoding: .utf8)
        let original = try run("/usr/sbin/runqlen.bt")
        if original.status != 0 {
            XCTAssertTrue(
                original.stderr.contains("runqlen.bt:37:9-26: ERROR: struct cfs_rq has no member 'nr_running'"),
                original.stderr)
            text = text.replacingOccurrences(of: "->nr_running", with: "->nr_queued")
        }
        let runqlen = try run(try write("runqlen.bt", text))
        XCTAssertEqual(runqlen.status, 0, runqlen.stderr)
        XCTAssertTrue(runqlen.stdout.contains("@runqlen:"), runqlen.stdout)
    }

    /// bpftrace 0.17's tools in /usr/sbin that need no kprobe, no library function this
    /// machine lacks and no kernel variable missing from kallsyms: each runs until Ctrl-C and
    /// prints what it traced (its header at least). runqlat.bt and runqlen.bt are checked above.
    func testDebianToolsKeepRunning() throws {
        try KernelTestGate.require()
        let tools = [
            "bashreadline.bt", "bitesize.bt", "cpuwalk.bt", "execsnoop.bt", "gethostlatency.bt", "killsnoop.bt",
            "naptime.bt", "opensnoop.bt", "pidpersec.bt", "setuids.bt", "statsnoop.bt", "syncsnoop.bt",
            "syscount.bt", "tcpdrop.bt", "writeback.bt",
        ]
        for tool in tools where !FileManager.default.fileExists(atPath: "/usr/sbin/" + tool) {
            throw XCTSkip("/usr/sbin/\(tool) is missing: scripts/setup installs bpftrace")
        }
        var failures: [String] = []
        for tool in tools {
            let result = try run("/usr/sbin/" + tool)
            let printed = result.stdout.split(separator: "\n").filter { !$0.hasPrefix("Attached ") }
            if result.status != 0 || printed.isEmpty {
                failures.append("\(tool): exit \(result.status), \(result.stderr.prefix(200))")
            }
        }
        XCTAssertEqual(failures, [], failures.joined(separator: "\n"))
    }

    /// Named parameters after `--` reach getopt() with bpftrace's types and defaults; the
    /// other arguments stay positional.
    func testNamedParametersReachGetopt() throws {
        try KernelTestGate.require()
        let tool = try write(
            "named.bt",
            """
            BEGIN { print(($1, getopt("aa", 10), getopt("bb", -1), $2, getopt("cc", "hello"), getopt("dd"),
                           getopt("ee", true, "described"), getopt("ff", "x"))); exit(); }
            """)
        let result = try CommandRunner.run(
            KernelTestGate.executable, [tool, "pos1", "--", "--aa=0x14", "--bb=5", "--cc=bye", "pos2", "--dd", "--ee=False"],
            readyMarker: nil, timeout: 20)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("(pos1, 20, 5, pos2, bye, true, false, x)\n"), result.stdout)

        let wrong = try CommandRunner.run(
            KernelTestGate.executable, [tool, "--", "--aa=False"], readyMarker: nil, timeout: 20)
        XCTAssertNotEqual(wrong.status, 0)
        XCTAssertTrue(
            wrong.stderr.contains("ERROR: program command line option --aa invalid integer (value: False)"), wrong.stderr)

        let unexpected = try CommandRunner.run(
            KernelTestGate.executable, [tool, "--", "--zz"], readyMarker: nil, timeout: 20)
        XCTAssertNotEqual(unexpected.status, 0)
        XCTAssertTrue(unexpected.stderr.contains("ERROR: unexpected program command line options: --zz"), unexpected.stderr)
        XCTAssertTrue(
            unexpected.stderr.contains("HINT: expected program options: --aa, --bb, --cc, --dd, --ee, --ff"),
            unexpected.stderr)
    }

    /// Runs a tool until SIGINT, which ends it as Ctrl-C does: END runs and the maps print.
    private func run(_ path: String) throws -> CommandResult {
        try CommandRunner.run(KernelTestGate.executable, [path], after: "sleep 0.3", timeout: 2)
    }
}
