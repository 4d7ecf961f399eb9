import Foundation
import TestSupport
import XCTest

/// Runs every case in `cases/*.txt` against the real kernel with the built `bpfsh`.
final class RuntimeCorpusTests: XCTestCase {
    func testCorpus() throws {
        try KernelTestGate.require()
        let directory = try XCTUnwrap(Bundle.module.url(forResource: "cases", withExtension: nil))
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".txt") }
            .sorted()
        var cases: [CorpusCase] = []
        for file in files {
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            cases += try CorpusCase.parse(text, file: file)
        }
        XCTAssertGreaterThanOrEqual(cases.count, 1, "the corpus is empty")
        let only = ProcessInfo.processInfo.environment["BPFSH_CORPUS_FILTER"]
        var failures = 0
        for testCase in cases where only == nil || testCase.name.contains(only!) {
            // A case whose window waits for its workload ends when the workload has run, so a
            // loaded machine that runs the workload late does not miss it.
            let waits = testCase.workloadWindow != nil
            let result = try CommandRunner.run(
                KernelTestGate.executable,
                testCase.arguments + ["-e", waits ? testCase.programWaitingForWorkload : testCase.program],
                after: testCase.after, readyMarker: waits ? CorpusCase.attachedMarker : "Attached",
                timeout: testCase.timeout + (waits ? 30 : 0), interruptAfter: waits,
                environment: testCase.environment.merging(waits ? [CorpusCase.attachedMarker: "1"] : [:]) { $1 })
            let problems = testCase.problems(
                status: result.status, stdout: result.stdout, stderr: result.stderr, timedOut: result.timedOut)
            if !problems.isEmpty {
                failures += 1
                XCTFail(
                    """
                    \(testCase.file):\(testCase.line): \(testCase.name)
                      \(problems.joined(separator: "\n  "))
                    --- stdout ---
                    \(result.stdout.prefix(1500))
                    --- stderr ---
                    \(result.stderr.prefix(1500))
                    """)
            }
        }
        print("runtime corpus: \(cases.count - failures) passed, \(failures) failed")
    }
}
