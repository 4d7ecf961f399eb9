import Foundation

/// One case of the runtime corpus, in the style of bpftrace's runtime tests:
///
///     NAME count syscalls
///     PROG tracepoint:raw_syscalls:sys_enter { @ = count(); } interval:ms:200 { exit(); }
///     AFTER ls /
///     EXPECT Attached 2 probes
///     EXPECT_REGEX ^@: [0-9]+$
///
/// Directives: NAME, PROG (the program; `ARGS` adds command-line arguments before it),
/// AFTER (a shell command run once probes are attached), EXPECT (an output line, exactly),
/// EXPECT_REGEX (a regex some output line matches), EXPECT_NONE (text no line contains),
/// EXPECT_ERROR (a regex matched against stderr), EXIT_CODE, TIMEOUT (seconds), ENV (`NAME=VALUE`
/// set for the run, e.g. `TZ=UTC` for printed times).
struct CorpusCase {
    var name: String
    var file: String
    var line: Int
    var program = ""
    var arguments: [String] = []
    var after: String? = nil
    var expectLines: [String] = []
    var expectRegexes: [String] = []
    var expectNone: [String] = []
    var expectErrors: [String] = []
    var exitCode: Int32 = 0
    var timeout: Double = 10
    var environment: [String: String] = [:]

    static func parse(_ text: String, file: String) throws -> [CorpusCase] {
        var cases: [CorpusCase] = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(rawLine)
            if line.trimmingCharacters(in: .whitespaces).isEmpty || line.hasPrefix("#") { continue }
            let word = String(line.prefix { $0 != " " })
            let rest = line.dropFirst(word.count).drop { $0 == " " }
            if word == "NAME" {
                cases.append(CorpusCase(name: String(rest), file: file, line: index + 1))
                continue
            }
            guard !cases.isEmpty else { throw CorpusError("\(file):\(index + 1): a case must start with NAME") }
            switch word {
            case "PROG": cases[cases.count - 1].program = String(rest)
            case "ARGS": cases[cases.count - 1].arguments = rest.split(separator: " ").map(String.init)
            case "AFTER": cases[cases.count - 1].after = String(rest)
            case "EXPECT": cases[cases.count - 1].expectLines.append(String(rest))
            case "EXPECT_REGEX": cases[cases.count - 1].expectRegexes.append(String(rest))
            case "EXPECT_NONE": cases[cases.count - 1].expectNone.append(String(rest))
            case "EXPECT_ERROR": cases[cases.count - 1].expectErrors.append(String(rest))
            case "EXIT_CODE": cases[cases.count - 1].exitCode = Int32(rest) ?? 0
            case "TIMEOUT": cases[cases.count - 1].timeout = Double(rest) ?? 10
            case "ENV":
                guard let equals = rest.firstIndex(of: "=") else {
                    throw CorpusError("\(file):\(index + 1): ENV takes NAME=VALUE")
                }
                cases[cases.count - 1].environment[String(rest[..<equals])] = String(rest[rest.index(after: equals)...])
            default: throw CorpusError("\(file):\(index + 1): unknown directive \(word)")
            }
        }
        return cases
    }

    /// Printed by bpfsh once every probe is attached when this variable is set (as bpftrace's
    /// runtime test engine asks of bpftrace): the workload starts after it, not after the
    /// "Attached" line.
    static let attachedMarker = "__BPFTRACE_NOTIFY_PROBES_ATTACHED"

    /// The `interval:ms:N { exit(); }` that ends a case with a workload after a fixed window,
    /// when it has one.
    /// (A workload put in the background with `&` still runs when AFTER returns: its window
    /// stays as written.)
    var workloadWindow: Range<String.Index>? {
        guard let after, !after.trimmingCharacters(in: .whitespaces).hasSuffix("&") else { return nil }
        return program.range(of: #"interval:ms:[0-9]+ \{ exit\(\); \}"#, options: .regularExpression)
    }

    /// The program with its window made long (the same probes, so "Attached N probes" is
    /// unchanged): the runner interrupts it once the workload has finished instead.
    var programWaitingForWorkload: String {
        guard let window = workloadWindow else { return program }
        return program.replacingCharacters(in: window, with: "interval:s:120 { exit(); }")
    }

    /// What is wrong with a run's result, or nil when it matches every expectation.
    func problems(status: Int32, stdout: String, stderr: String, timedOut: Bool) -> [String] {
        var problems: [String] = []
        let lines = stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if timedOut { problems.append("timed out after \(timeout)s") }
        if status != exitCode { problems.append("exit code \(status), expected \(exitCode)") }
        for expected in expectLines where !lines.contains(expected) {
            problems.append("no output line equals: \(expected)")
        }
        for pattern in expectRegexes {
            guard let regex = try? NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines]) else {
                problems.append("invalid regex: \(pattern)")
                continue
            }
            if regex.firstMatch(in: stdout, range: NSRange(stdout.startIndex..., in: stdout)) == nil {
                problems.append("no output line matches: \(pattern)")
            }
        }
        for text in expectNone where stdout.contains(text) {
            problems.append("output contains: \(text)")
        }
        for pattern in expectErrors {
            if stderr.range(of: pattern, options: .regularExpression) == nil {
                problems.append("stderr does not match: \(pattern)")
            }
        }
        return problems
    }
}

struct CorpusError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
