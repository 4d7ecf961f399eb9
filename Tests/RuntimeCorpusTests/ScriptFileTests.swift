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
        XCTAssertTrue(result.stderr.hasPrefix("\(lib):2:14: error: "), result.stderr)
    }
}
