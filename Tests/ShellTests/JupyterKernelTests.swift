import Foundation
import TestSupport
import XCTest

/// The bpfsh Jupyter kernel driven through jupyter_client as a notebook front end drives it
/// (jupyter/tests/run_notebook.py): a probe cell, a wait that streams, a top cell displayed
/// as an HTML table, hist, an error with its caret, completion, inspection, is_complete, an
/// interrupted `wait 60s`, and a shutdown that ends `bpfsh --serve`.
final class JupyterKernelTests: XCTestCase {
    func testCellsRunThroughTheJupyterKernel() throws {
        try KernelTestGate.require()
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let script = root.appendingPathComponent("jupyter/tests/run_notebook.py").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [script, KernelTestGate.executable.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        // A missing ipykernel or jupyter_client is a failure here: scripts/setup installs them.
        XCTAssertEqual(process.terminationStatus, 0, text)
        XCTAssertTrue(text.contains("all checks passed"), text)
    }
}
