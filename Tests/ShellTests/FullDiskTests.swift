import Foundation
import Session
import TestSupport
import XCTest

@testable import Shell

/// Every file bpfsh writes, on a disk that fills up: a small tmpfs mounted by the test (root
/// only; no BPF). The failure is said at once with the file and the reason, the earlier good
/// file stays whole, and a transcript tries again after the next statement and says when it
/// is whole again.
final class FullDiskTests: XCTestCase {
    var disk: String!

    override func setUpWithError() throws {
        try KernelTestGate.require(geteuid() == 0, "needs root to mount a small tmpfs (a disk that fills up)")
        disk = try temporaryDirectory()
        try run("/bin/mount", "-t", "tmpfs", "-o", "size=64k", "bpfsh-full-disk", disk)
    }

    override func tearDownWithError() throws {
        guard let disk else { return }
        try run("/bin/umount", disk)
        try FileManager.default.removeItem(atPath: disk)
    }

    func testTranscriptsSayAFullDiskAtOnceKeepTheirLastGoodCopyAndRecover() throws {
        let fake = FakeShell()
        XCTAssertTrue(fake.shell.execute("record \(disk!)/rec.bpfsh"))
        XCTAssertTrue(fake.shell.execute("notebook \(disk!)/n.md"))
        XCTAssertTrue(fake.shell.execute("a = tracepoint:sched:sched_switch { @s = count(); }"))
        XCTAssertTrue(fake.shell.execute("probes"))
        let goodRecording = try contents("rec.bpfsh")
        let goodNotebook = try contents("n.md")
        XCTAssertTrue(goodRecording.hasSuffix("probes\n"), goodRecording)
        XCTAssertEqual(fake.err, "")

        let filler = try fill()
        XCTAssertTrue(fake.shell.execute("print @s"), "the statement itself succeeded")
        XCTAssertEqual(
            fake.err,
            """
            cannot write \(disk!)/rec.bpfsh: No space left on device: the recording keeps its last good copy \
            (2 statements) and is written again after the next statement
            cannot write \(disk!)/n.md: No space left on device: the notebook keeps its last good copy \
            (2 statements) and is written again after the next statement

            """)
        XCTAssertEqual(try contents("rec.bpfsh"), goodRecording, "the last good recording is intact")
        XCTAssertEqual(try contents("n.md"), goodNotebook, "the last good notebook is intact")
        XCTAssertEqual(try leftovers(), [], "no temporary file is left on the full disk")

        fake.err = ""
        XCTAssertTrue(fake.shell.execute("probes"))
        XCTAssertEqual(fake.err, "", "the same failure is not said again at every statement")
        XCTAssertFalse(fake.shell.execute("history save \(disk!)/h.bpfsh"))
        XCTAssertEqual(fake.err, "cannot write \(disk!)/h.bpfsh: No space left on device\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: disk + "/h.bpfsh"))

        fake.err = ""
        XCTAssertFalse(fake.shell.execute("record stop"), "a recording that cannot be saved is not said saved")
        XCTAssertEqual(
            fake.err,
            "recording not saved: cannot write \(disk!)/rec.bpfsh: No space left on device; "
                + "\(disk!)/rec.bpfsh keeps its last good copy (2 statements)\n")
        XCTAssertNotNil(fake.shell.recorder, "the recording goes on, so record stop can be tried again")

        try FileManager.default.removeItem(atPath: filler)
        fake.err = ""
        XCTAssertTrue(fake.shell.execute("probes"))
        XCTAssertEqual(
            fake.err,
            """
            the recording \(disk!)/rec.bpfsh is written again: all 5 statements
            the notebook \(disk!)/n.md is written again: all 7 statements

            """)
        let recording = try contents("rec.bpfsh")
        XCTAssertTrue(
            recording.hasSuffix(
                "a = tracepoint:sched:sched_switch { @s = count(); }\nprobes\nprint @s\nprobes\nprobes\n"),
            "every statement, the ones typed while the disk was full too:\n" + recording)
        XCTAssertTrue(try contents("n.md").contains("```bpfsh\nprint @s\n```"))
        XCTAssertTrue(fake.shell.execute("record stop"))
        XCTAssertTrue(fake.shell.execute("notebook stop"))
        XCTAssertTrue(fake.shell.shutdown(), "everything was saved in the end")
    }

    func testAQuitWithAFullDiskSaysWhatWasNotSaved() throws {
        let fake = FakeShell()
        XCTAssertTrue(fake.shell.execute("record \(disk!)/rec.bpfsh"))
        XCTAssertTrue(fake.shell.execute("probes"))
        let good = try contents("rec.bpfsh")
        _ = try fill()
        fake.err = ""
        XCTAssertFalse(fake.shell.shutdown(), "the exit status can tell")
        XCTAssertEqual(
            fake.err,
            "recording not saved: cannot write \(disk!)/rec.bpfsh: No space left on device; "
                + "\(disk!)/rec.bpfsh keeps its last good copy (1 statement)\n")
        XCTAssertEqual(try contents("rec.bpfsh"), good)
    }

    func testSaveAndTutorialProgressSayAFullDiskAndKeepTheFileThereWas() throws {
        let fake = FakeShell()
        XCTAssertTrue(fake.shell.execute("a = tracepoint:sched:sched_switch { @c[comm] = count(); }"))
        try fake.fill("@c", ["bash": 5, "sshd": 2])
        XCTAssertTrue(fake.shell.execute("save @c \(disk!)/c.csv"), fake.err)
        let good = try contents("c.csv")
        try TutorialProgress.record("cpus", nextStep: 1, completed: 0, at: disk + "/progress.json")
        let goodProgress = try contents("progress.json")

        _ = try fill()
        XCTAssertFalse(fake.shell.execute("save @c \(disk!)/c.csv --force"))
        XCTAssertEqual(fake.err, "cannot write \(disk!)/c.csv: No space left on device\n")
        XCTAssertEqual(try contents("c.csv"), good)
        XCTAssertThrowsError(
            try TutorialProgress.record("cpus", nextStep: 2, completed: 1, at: disk + "/progress.json")
        ) { error in
            XCTAssertEqual("\(error)", "cannot write \(disk!)/progress.json: No space left on device")
        }
        XCTAssertEqual(try contents("progress.json"), goodProgress)
        XCTAssertEqual(try leftovers(), [])
    }

    // MARK: - Support

    private func contents(_ name: String) throws -> String {
        try String(contentsOfFile: disk + "/" + name, encoding: .utf8)
    }

    /// Temporary files the writer left (it removes them when a write fails).
    private func leftovers() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: disk).filter { $0.contains(".bpfsh-") }
    }

    /// Takes every free block of the small disk; returns the filler's path.
    private func fill() throws -> String {
        let path = disk + "/filler"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        defer { close(fd) }
        let block = [UInt8](repeating: 0x2e, count: 512)
        while write(fd, block, block.count) > 0 {}
        XCTAssertEqual(errno, ENOSPC)
        return path
    }

    private func run(_ tool: String, _ arguments: String...) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CommandError("\(tool) \(arguments.joined(separator: " ")) exited \(process.terminationStatus)")
        }
    }
}
