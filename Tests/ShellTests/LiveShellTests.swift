import Foundation
import TestSupport
import XCTest

/// The shell against the real kernel, driven through stdin and through a terminal (tmux).
final class LiveShellTests: XCTestCase {
    /// Programs whose file descriptors a process holds, from /proc/PID/fdinfo (this
    /// bpftool is built without the pid listing).
    func programIDs(ownedBy pid: Int32) throws -> [Int] {
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? []
        return fds.compactMap { fd in
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(fd)"),
                target.contains("bpf-prog"),
                let info = try? String(contentsOfFile: "/proc/\(pid)/fdinfo/\(fd)", encoding: .utf8),
                let line = info.split(separator: "\n").first(where: { $0.hasPrefix("prog_id:") })
            else { return nil }
            return Int(line.dropFirst("prog_id:".count).trimmingCharacters(in: .whitespaces))
        }
    }

    func programExists(_ id: Int) throws -> Bool {
        let result = try CommandRunner.run(
            URL(fileURLWithPath: "/usr/sbin/bpftool"), ["prog", "show", "id", String(id)], readyMarker: nil, timeout: 10
        )
        return result.status == 0
    }

    /// Polls `condition` for up to `seconds` (the kernel frees programs asynchronously).
    func eventually(_ seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        repeat {
            if try condition() { return true }
            usleep(50_000)
        } while Date() < deadline
        return try condition()
    }

    func testProbesDetachInAnyOrderWhileOthersKeepCounting() throws {
        try KernelTestGate.require()
        let workload = "python3 -c 'import os; [os.getppid() for _ in range(500)]'"
        let script = """
            a = tracepoint:syscalls:sys_enter_getppid /comm == "python3"/ { @a = count(); }
            b = tracepoint:syscalls:sys_enter_getppid /comm == "python3"/ { @b = count(); }
            ! \(workload)
            detach a
            ! \(workload)
            b = tracepoint:syscalls:sys_enter_getppid /comm == "python3"/ { @b = count(); @again = count(); }
            ! \(workload)
            attach a
            ! \(workload)
            print @a
            print @b
            print @again
            detach all
            probes

            """
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("bpfsh-live-\(getpid()).txt")
        try script.write(to: input, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: input) }
        let process = Process()
        process.executableURL = KernelTestGate.executable
        process.standardInput = try FileHandle(forReadingFrom: input)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertTrue(text.contains("@a: 1000"), "a counted the first and last runs only:\n\(text)")
        XCTAssertTrue(text.contains("@b: 2000"), "b kept counting through detach, redefinition and re-attach:\n\(text)")
        XCTAssertTrue(text.contains("@again: 1000"), text)
        XCTAssertNotNil(text.range(of: #"a\s+detached"#, options: .regularExpression), text)
        XCTAssertEqual(process.terminationStatus, 0)
    }

    func testNothingIsLeftAttachedAfterDetachExitOrKill() throws {
        try KernelTestGate.require()
        let process = Process()
        process.executableURL = KernelTestGate.executable
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let lines = "s = tracepoint:sched:sched_switch { @s = count(); }\nt = profile:hz:49 { @t = count(); }\n"
        input.fileHandleForWriting.write(Data(lines.utf8))
        XCTAssertTrue(
            try eventually(10) { try programIDs(ownedBy: process.processIdentifier).count >= 2 }, "probes attached")
        input.fileHandleForWriting.write(Data("detach all\ndrop all\n".utf8))
        XCTAssertTrue(
            try eventually(10) { try programIDs(ownedBy: process.processIdentifier).isEmpty },
            "drop all leaves no program")

        input.fileHandleForWriting.write(Data(lines.utf8))
        var ids: [Int] = []
        XCTAssertTrue(
            try eventually(10) {
                ids = try programIDs(ownedBy: process.processIdentifier)
                return ids.count >= 2
            })
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        XCTAssertTrue(
            try eventually(10) { try ids.allSatisfy { try !programExists($0) } }, "SIGKILL leaves no program: \(ids)")
        _ = output
    }

    func testExitReleasesEverything() throws {
        try KernelTestGate.require()
        let process = Process()
        process.executableURL = KernelTestGate.executable
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data("s = tracepoint:sched:sched_switch { @s = count(); }\n".utf8))
        var ids: [Int] = []
        XCTAssertTrue(
            try eventually(10) {
                ids = try programIDs(ownedBy: process.processIdentifier)
                return !ids.isEmpty
            })
        input.fileHandleForWriting.closeFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        XCTAssertTrue(try eventually(10) { try ids.allSatisfy { try !programExists($0) } })
    }
}

/// Sampling a known CPU-bound workload finds its kernel function in the folded stacks and
/// the flame graph, end to end through the shell.
final class LiveStackTests: XCTestCase {
    func testProfileOfDDShowsReadZero() throws {
        try KernelTestGate.require()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bpfsh-stacks-\(getpid())")
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let folded = directory.appendingPathComponent("dd.folded").path
        let svg = directory.appendingPathComponent("dd.svg").path
        let pprof = directory.appendingPathComponent("dd.pb.gz").path
        let speedscope = directory.appendingPathComponent("dd.speedscope.json").path
        let script = """
            p = profile:hz:999 /comm == "dd"/ { @s[kstack] = count(); }
            ! dd if=/dev/zero of=/dev/null bs=1M count=2000 2>/dev/null
            stack fold @s > \(folded)
            flame @s > \(svg)
            save @s \(pprof)
            save @s \(speedscope)

            """
        let input = directory.appendingPathComponent("script.txt")
        try script.write(to: input, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = KernelTestGate.executable
        process.standardInput = try FileHandle(forReadingFrom: input)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let stacks = try String(contentsOfFile: folded, encoding: .utf8)
        XCTAssertTrue(
            stacks.contains("read_zero_[k]") || stacks.contains("iov_iter_zero_[k]"),
            "dd's kernel work is in the folded stacks:\n\(text)\n\(stacks.prefix(2000))")
        for line in stacks.split(separator: "\n") {
            XCTAssertNotNil(
                line.range(of: #"^\S.* [0-9]+$"#, options: .regularExpression), "folded line format: \(line)")
        }
        let graph = try String(contentsOfFile: svg, encoding: .utf8)
        XCTAssertTrue(graph.hasPrefix("<?xml") || graph.hasPrefix("<svg"), String(graph.prefix(100)))
        XCTAssertTrue(graph.contains("read_zero") || graph.contains("iov_iter_zero"))

        // The same samples as profiles other tools open: go tool pprof lists dd's kernel work.
        let profile = try String(contentsOfFile: speedscope, encoding: .utf8)
        XCTAssertTrue(profile.contains(#""read_zero_[k]","file":"[kernel]""#) || profile.contains("iov_iter_zero_[k]"))
        let go = ["/usr/bin/go", "/usr/lib/go/bin/go"].first { FileManager.default.isExecutableFile(atPath: $0) }
        try KernelTestGate.require(go != nil, "go tool pprof is missing: install golang-go (scripts/setup)")
        let top = Process()
        top.executableURL = URL(fileURLWithPath: go!)
        top.arguments = ["tool", "pprof", "-top", pprof]
        top.environment = ["HOME": directory.path, "GOCACHE": directory.path + "/cache", "PATH": "/usr/bin:/bin"]
        let topOutput = Pipe()
        top.standardOutput = topOutput
        top.standardError = topOutput
        try top.run()
        let listing = String(decoding: topOutput.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        top.waitUntilExit()
        XCTAssertEqual(top.terminationStatus, 0, listing)
        XCTAssertTrue(listing.contains("read_zero_[k]") || listing.contains("iov_iter_zero_[k]"), listing)
    }
}
