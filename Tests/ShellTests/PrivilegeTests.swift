import Foundation
import TestSupport
import XCTest

/// bpfsh run with CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN taken away (setpriv drops them from
/// the bounding set, so root's exec does not get them back).
final class PrivilegeTests: XCTestCase {
    let setpriv = "/usr/bin/setpriv"
    var dropAll: [String] { [setpriv, "--bounding-set=-bpf,-perfmon,-sys_admin", "--inh-caps=-all", "--"] }

    func requireSetpriv() throws {
        try KernelTestGate.require()
        try KernelTestGate.require(FileManager.default.isExecutableFile(atPath: setpriv), "needs setpriv (util-linux)")
    }

    func testShellNamesMissingCapabilitiesAndKeepsWorking() throws {
        try requireSetpriv()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bpfsh-priv-\(getpid())")
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let table = directory.appendingPathComponent("calls.csv").path
        let csv =
            "map,key:string,kind,value,total,count,bucket,low,high\n"
            + "@calls,bash,count,30,,,,,\n@calls,sshd,count,12,,,,,\n"
        try csv.write(toFile: table, atomically: true, encoding: .utf8)

        let shell = try ShellProcess(prefix: dropAll)
        shell.send("help")
        shell.send("c = tracepoint:raw_syscalls:sys_enter { @n = count(); }")
        shell.send("probes")
        shell.send("load \(table) as calls")
        shell.send("top calls 1")
        shell.send("save calls \(directory.path)/copy.json")
        shell.closeInput()
        XCTAssertNotNil(shell.waitForExit())
        let output = shell.output
        XCTAssertEqual(shell.exitCode, 0, output)
        XCTAssertTrue(output.contains("Define a probe:") && output.contains("\nprobes:\n"), "help works:\n\(output)")
        XCTAssertTrue(
            output.contains("CAP_BPF") && output.contains("CAP_PERFMON"),
            "the refusal names the missing capabilities:\n\(output)")
        XCTAssertTrue(output.contains("which this process lacks"), output)
        XCTAssertTrue(output.contains("no probes yet"), "the session goes on after the refusal:\n\(output)")
        XCTAssertNotNil(output.range(of: #"bash\s+30"#, options: .regularExpression), "offline tables work:\n\(output)")
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory.path + "/copy.json"), output)
    }

    func testOneShotNamesTheMissingCapability() throws {
        try requireSetpriv()
        // CAP_BPF alone: maps can be made, but tracing programs need CAP_PERFMON.
        let run = try ShellProcess(
            arguments: ["-e", "tracepoint:syscalls:sys_enter_getppid { @ = count(); }"],
            prefix: [setpriv, "--bounding-set=-perfmon,-sys_admin", "--inh-caps=-all", "--"])
        run.closeInput()
        XCTAssertNotNil(run.waitForExit())
        let result = (status: run.exitCode, output: run.output)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.output.contains("needs CAP_PERFMON, which this process lacks"), result.output)
        XCTAssertFalse(result.output.contains("CAP_BPF and"), "CAP_BPF is held, so it is not named:\n\(result.output)")
    }

    /// An unprivileged user (not root with capabilities taken away): tracefs is unreadable, so a
    /// tracepoint cannot be said not to exist; every provider's refusal says what is missing and
    /// no internal name (`m_x`, `b_events`, the one-shot program's `program`) shows.
    func testAnUnprivilegedUserHearsWhyForEveryProvider() throws {
        try requireSetpriv()
        // A copy every user may run, wherever the checkout lives.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bpfsh-nobody-\(getpid())")
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let copy = directory.appendingPathComponent("bpfsh").path
        try FileManager.default.copyItem(atPath: KernelTestGate.executable.path, toPath: copy)
        // LLVM, which bpfsh loads from beside itself to compile.
        let llvm = KernelTestGate.executable.deletingLastPathComponent().appendingPathComponent("libbpfsh-llvm.so")
        let llvmCopy = directory.appendingPathComponent("libbpfsh-llvm.so").path
        try FileManager.default.copyItem(atPath: llvm.path, toPath: llvmCopy)
        chmod(directory.path, 0o755)
        chmod(copy, 0o755)
        chmod(llvmCopy, 0o755)
        let asNobody = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", "--", copy, "-e"]
        func refusal(_ program: String) -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: asNobody[0])
            process.arguments = Array(asNobody.dropFirst()) + [program]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = output
            process.standardInput = FileHandle.nullDevice
            guard (try? process.run()) != nil else { return "cannot run \(asNobody[0])" }
            let said = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, 1, "\(program) is refused:\n\(said)")
            return said
        }
        for program in [
            "tracepoint:syscalls:sys_enter_openat { @opens = count(); }", "tracepoint:sched:sched_* { @ = count(); }",
        ] {
            let said = refusal(program)
            XCTAssertTrue(said.contains("cannot be looked up: cannot read /sys/kernel/tracing"), said)
            XCTAssertTrue(said.contains("Permission denied") && said.contains("run bpfsh as root"), said)
            XCTAssertFalse(said.contains("does not exist"), "not the text for a missing tracepoint:\n\(said)")
        }
        for (program, named) in [
            ("profile:hz:99 { @samples = count(); }", "map @samples"),
            ("uprobe:/bin/bash:readline { @calls = count(); }", "map @calls"),
            ("interval:s:1 { printf(\"tick\\n\"); }", "bpfsh's events buffer"),
        ] {
            let said = refusal(program)
            XCTAssertTrue(said.contains("creating \(named) needs CAP_BPF and CAP_PERFMON, which this process lacks"), said)
            for hidden in ["m_", "b_events", "program:"] {
                XCTAssertFalse(said.contains(hidden), "\(hidden) is internal:\n\(said)")
            }
        }
    }
}
