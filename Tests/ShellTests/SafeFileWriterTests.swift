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
