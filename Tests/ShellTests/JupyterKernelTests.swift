import Foundation
import TestSupport
import XCTest

/// The bpfsh Jupyter kernel driven as front ends drive it, with the checkout's `.venv` Python
/// (scripts/setup makes it from jupyter/requirements.txt; missing, these tests fail):
/// - jupyter/tests/run_notebook.py: jupyter_client, cell by cell (a probe cell, a wait that
///   streams, `top` as the cell's result, hist as SVG, an error with its caret, completion,
///   inspection, is_complete, an interrupted `wait 60s`, and a shutdown that ends `bpfsh --serve`);
/// - jupyter/tests/test_conformance.py: the Jupyter project's jupyter_kernel_test suite;
/// - jupyter/tests/run_notebook_file.py: a notebook run top to bottom with nbclient, a restart
///   that leaves nothing of the old session, HTML and a Chromium screenshot in .build/test-artifacts;
/// - the session library's notebooks (sessions/notebooks), in step with their scripts and each
///   run top to bottom, their `expect` cells holding.
final class JupyterKernelTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Runs a script of jupyter/tests with the environment's Python; its exit status and output.
    func runPython(_ script: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let python = Self.root.appendingPathComponent(".venv/bin/python3").path
        try KernelTestGate.require(
            FileManager.default.isExecutableFile(atPath: python), "\(python) is missing: scripts/setup makes it")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [Self.root.appendingPathComponent("jupyter/tests/\(script)").path] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["BPFSH"] = KernelTestGate.executable.path
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    func testCellsRunThroughTheJupyterKernel() throws {
        try KernelTestGate.require()
        let (status, text) = try runPython("run_notebook.py", [KernelTestGate.executable.path])
        XCTAssertEqual(status, 0, text)
        XCTAssertTrue(text.contains("all checks passed"), text)
    }

    func testTheJupyterConformanceSuitePasses() throws {
        try KernelTestGate.require()
        let (status, text) = try runPython("test_conformance.py", [])
        XCTAssertEqual(status, 0, text)
        XCTAssertTrue(text.contains("\nOK"), text)
        // Each part the kernel supports ran and passed (a sample left out would only skip it);
        // clear_output and the pager are the parts bpfsh has no use for.
        for part in [
            "completion", "display_data", "error", "execute_result", "execute_stderr", "execute_stdout", "history",
            "inspect", "is_complete", "kernel_info",
        ] {
            XCTAssertTrue(
                text.contains("BpfshKernelConformance.test_\(part)) ... ok"), "test_\(part) did not pass:\n\(text)")
        }
    }

    /// `tutorial cpus notebook FILE.ipynb`: the first three steps, run cell by cell through
    /// the kernel, check out as they do in the shell.
    func testATutorialRunsAsANotebook() throws {
        try KernelTestGate.require()
        let tutorials = Self.root.appendingPathComponent("tutorials").path
        let (status, text) = try runPython(
            "run_tutorial_notebook.py", [KernelTestGate.executable.path, tutorials, "cpus", "3"])
        XCTAssertEqual(status, 0, text)
        XCTAssertTrue(text.contains("all checks passed"), text)
    }

    func testANotebookRunsTopToBottomAndRendersInABrowser() throws {
        try KernelTestGate.require()
        let artifacts = Self.root.appendingPathComponent(".build/test-artifacts").path
        let (status, text) = try runPython("run_notebook_file.py", [KernelTestGate.executable.path, artifacts])
        XCTAssertEqual(status, 0, text)
        XCTAssertTrue(text.contains("all checks passed"), text)
    }

    func testTheSessionNotebooksMatchTheirScripts() throws {
        try KernelTestGate.require()
        let (status, text) = try runPython("../session_notebooks.py", ["--check"])
        XCTAssertEqual(status, 0, text)
        XCTAssertTrue(text.contains("session notebooks are up to date"), text)
    }

    func testEverySessionNotebookRunsTopToBottom() throws {
        try KernelTestGate.require()
        let (status, text) = try runPython("run_session_notebooks.py", [KernelTestGate.executable.path])
        XCTAssertEqual(status, 0, text)
        XCTAssertTrue(text.contains("all checks passed"), text)
    }
}
