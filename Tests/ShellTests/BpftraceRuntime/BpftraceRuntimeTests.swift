import Foundation
import TestSupport
import XCTest

/// bpftrace's own runtime suite (`../shared/bpftrace/tests/runtime`, its main branch), the
/// cases IN-SCOPE.txt names (the ones this kernel can run with nothing but the case), run
/// against bpfsh under the name `bpftrace` with the engine's semantics (`RuntimeCaseRunner`).
/// The figure printed, per file and in all, is the measure of how much of today's bpftrace
/// bpfsh computes as bpftrace does; `BpftraceRuntimePassing.cases` must keep passing.
final class BpftraceRuntimeTests: XCTestCase {
    static let reference = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../../shared/bpftrace").standardizedFileURL

    func testInScopeRuntimeCases() throws {
        try KernelTestGate.require()
        let tests = Self.reference.appendingPathComponent("tests")
        let scopeFile = Self.reference.appendingPathComponent("IN-SCOPE.txt")
        try KernelTestGate.require(
            FileManager.default.fileExists(atPath: scopeFile.path),
            "bpftrace's runtime suite is not at \(Self.reference.path) (CI has ../shared beside the clone)")
        let scope = Set(try String(contentsOf: scopeFile, encoding: .utf8).split(separator: "\n").map(String.init))
        // BPFSH_RUNTIME_FILES=for,call runs those files alone, for a quick figure while working.
        let only = ProcessInfo.processInfo.environment["BPFSH_RUNTIME_FILES"].map {
            Set($0.split(separator: ",").map(String.init))
        }
        let cases = try Self.readCases(in: tests.appendingPathComponent("runtime")).filter {
            scope.contains($0.scopeName) && (only?.contains($0.file) ?? true)
        }
        if only == nil { XCTAssertGreaterThan(cases.count, 400, "IN-SCOPE.txt names 407 cases") }

        let link = try Self.linkNamedBpftrace(to: KernelTestGate.executable)
        let runner = RuntimeCaseRunner(executable: link.path, directory: tests.path)
        let jobs = Int(ProcessInfo.processInfo.environment["BPFSH_RUNTIME_JOBS"] ?? "") ?? 4
        let results = Self.run(cases, jobs: jobs, runner)

        var report = ""
        var byFile: [String: (passed: Int, total: Int)] = [:]
        for (item, status, output) in results {
            byFile[item.file, default: (0, 0)].total += 1
            if status.passed {
                byFile[item.file]!.passed += 1
                continue
            }
            report += "no   \(item.key): \(Self.reason(status, output))\n"
        }
        let passed = Set(results.filter { $0.1.passed }.map { $0.0.key })
        let perFile = byFile.keys.sorted().map { "  \($0): \(byFile[$0]!.passed) of \(byFile[$0]!.total)" }
        print(
            "bpftrace runtime cases (IN-SCOPE): \(passed.count) of \(cases.count)\n" + perFile.joined(separator: "\n")
                + "\n" + report)
        let regressed = BpftraceRuntimePassing.cases.filter { key in
            cases.contains { $0.key == key }
        }.subtracting(passed)
        XCTAssertEqual(regressed, [], "runtime cases that passed before fail now:\n\(report)")
        let newlyPassing = passed.subtracting(BpftraceRuntimePassing.cases)
        if !newlyPassing.isEmpty {
            print(
                "passing now, not yet in BpftraceRuntimePassing.cases:\n"
                    // String(reflecting:) escapes a quote in a name (`cat "no such file"`).
                    + newlyPassing.sorted().map {
                        "    \(String(reflecting: $0)),"
                    }.joined(separator: "\n"))
        }
    }

    /// Every case of every file under tests/runtime, as the engine walks it.
    static func readCases(in runtime: URL) throws -> [RuntimeCase] {
        let skipped: Set<String> = ["engine", "scripts", "outputs"]
        var cases: [RuntimeCase] = []
        var machine = utsname()
        uname(&machine)
        let architecture = withUnsafeBytes(of: &machine.machine) {
            String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
        }
        let enumerator = FileManager.default.enumerator(at: runtime, includingPropertiesForKeys: [.isDirectoryKey])
        while let url = enumerator?.nextObject() as? URL {
            let relative = String(url.standardizedFileURL.path.dropFirst(runtime.standardizedFileURL.path.count + 1))
            if (try? url.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true {
                if skipped.contains(url.lastPathComponent) { enumerator?.skipDescendants() }
                continue
            }
            if url.lastPathComponent.hasPrefix(".") { continue }
            let text = try String(contentsOf: url, encoding: .utf8)
            cases += try RuntimeCase.parse(text, file: relative, machine: architecture)
        }
        return cases.sorted { ($0.file, $0.occurrence, $0.name) < ($1.file, $1.occurrence, $1.name) }
    }

    /// A directory holding `bpftrace`, a link to bpfsh, so cases see `comm == "bpftrace"`.
    static func linkNamedBpftrace(to executable: URL) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bpfsh-runtime-\(getpid())")
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let link = directory.appendingPathComponent("bpftrace")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: executable)
        return link
    }

    /// Runs the cases `jobs` at a time (most of a case's time is waiting), in their order.
    static func run(
        _ cases: [RuntimeCase], jobs: Int, _ runner: RuntimeCaseRunner
    )
        -> [(RuntimeCase, RuntimeCaseRunner.Status, String)]
    {
        let lock = NSLock()
        var next = 0
        var results = [(RuntimeCaseRunner.Status, String)?](repeating: nil, count: cases.count)
        DispatchQueue.concurrentPerform(iterations: Swift.max(1, jobs)) { _ in
            while true {
                lock.lock()
                let index = next
                next += 1
                lock.unlock()
                guard index < cases.count else { return }
                let result = runner.run(cases[index])
                lock.lock()
                results[index] = result
                lock.unlock()
            }
        }
        return zip(cases, results).map { ($0, $1!.0, $1!.1) }
    }

    /// Why a case did not pass, in one line: the first error line of its output, or what was
    /// expected and the output's first line.
    static func reason(_ status: RuntimeCaseRunner.Status, _ output: String) -> String {
        let lines = output.split(separator: "\n").map(String.init).filter {
            $0 != RuntimeCaseRunner.notice && !$0.hasPrefix("Attached ")
        }
        let errorLine = lines.first { $0.range(of: "error", options: .caseInsensitive) != nil }
        switch status {
        case .passed: return "passed"
        case .skipped(let why): return "skipped: \(why)"
        case .timedOut(let why), .failed(let why):
            if let errorLine { return String(errorLine.prefix(160)) }
            let first = lines.first.map { "; got '\($0.prefix(80))'" } ?? "; no output"
            return String((why + first).prefix(200))
        }
    }
}
