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
}
