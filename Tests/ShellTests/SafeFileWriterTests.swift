import Foundation
import Shell
import XCTest

final class SafeFileWriterTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "bpfsh-writer-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func testWritesAndNeverSilentlyOverwrites() throws {
        let path = directory.appendingPathComponent("out.csv").path
        try SafeFileWriter.write("first\n", to: path, force: false)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "first\n")
        XCTAssertThrowsError(try SafeFileWriter.write("second\n", to: path, force: false)) { error in
            XCTAssertTrue("\(error)".contains("--force"), "\(error)")
        }
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "first\n", "the existing file is untouched")
        try SafeFileWriter.write("second\n", to: path, force: true)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "second\n")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix(".") }
        XCTAssertEqual(leftovers, [], "no temporary file is left behind")
    }

    /// `BPFSH_HISTORY=/dev/null` once turned /dev/null into a plain file for the whole machine.
    func testDevicesAreWrittenInPlaceAndSymlinksKept() throws {
        try SafeFileWriter.write("history\n", to: "/dev/null", force: false)
        var info = stat()
        XCTAssertEqual(stat("/dev/null", &info), 0)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFCHR, "/dev/null is still a character device")

        let real = directory.appendingPathComponent("real.txt").path
        let link = directory.appendingPathComponent("link.txt").path
        try SafeFileWriter.write("old\n", to: real, force: false)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: real)
        try SafeFileWriter.write("new\n", to: link, force: true)
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: link), real, "the link is kept")
        XCTAssertEqual(try String(contentsOfFile: real, encoding: .utf8), "new\n", "the file it names is replaced")
    }

    func testUnwritablePathsAreClearErrors() {
        XCTAssertThrowsError(
            try SafeFileWriter.write("x", to: directory.appendingPathComponent("missing/out.csv").path, force: false)
        ) { error in
            XCTAssertTrue("\(error)".contains("does not exist"), "\(error)")
        }
        XCTAssertThrowsError(try SafeFileWriter.write("x", to: "/proc/version", force: true)) { error in
            XCTAssertTrue("\(error)".contains("cannot write"), "\(error)")
        }
    }
}
