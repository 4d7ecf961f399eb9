import Foundation

/// A guided tutorial read from a Markdown file in `tutorials/`, so adding one needs no Swift:
///
///     # Title
///     Introduction.
///     ## Step title
///     Prose explaining the idea.
///     ```setup        statements run before the step (start workloads with spawn)
///     ```bpfsh        the statements proposed to the learner, one at a time
///     ```check        expect statements that must hold after them
///     ```cleanup      statements run after the step (default: stop workloads, drop probes)
///     ```equivalent   what runs instead when the kernel lacks a Requires: feature
///     ```equivalent-check   its expectations
///     ```crowded      proposed when other processes' output drowns the step's (a filter)
///     Hint: what to look at when the check does not hold (several allowed)
///     Requires: kprobes     (kprobes, fentry, uprobes, pmcs, perf sampling, tp_btf...)
public struct Tutorial {
    public struct Step {
        public var title: String
        public var line: Int
        public var prose: [String] = []
        public var setup: [ScriptFile.Statement] = []
        public var proposals: [ScriptFile.Statement] = []
        public var checks: [ScriptFile.Statement] = []
        public var cleanup: [ScriptFile.Statement]? = nil
        public var equivalent: [ScriptFile.Statement] = []
        public var equivalentChecks: [ScriptFile.Statement] = []
        /// Proposed next when the step's probe output is crowded by other processes: the
        /// same probe with a filter for the workload.
        public var crowded: [ScriptFile.Statement] = []
        public var hints: [String] = []
        public var requires: [String] = []
    }

    /// A problem in a tutorial file, with its line.
    public struct FormatError: Error, CustomStringConvertible {
        public var file: String
        public var line: Int
        public var message: String
        public var description: String { "\(file):\(line): error: \(message)" }
    }

    public let name: String
    public let path: String
    public var title = ""
    public var introduction: [String] = []
    public var steps: [Step] = []

    static let blockKinds: Set<String> = [
        "setup", "bpfsh", "check", "cleanup", "equivalent", "equivalent-check", "crowded",
    ]

    public init(name: String, path: String, text: String) throws {
        self.name = name
        self.path = path
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var index = 0
        while index < lines.count {
            let line = lines[index]
            let number = index + 1
            index += 1
            if line.hasPrefix("```") {
                let kind = String(line.dropFirst(3)).trimmingCharacters(in: .whitespaces)
                guard Tutorial.blockKinds.contains(kind) else {
                    // Other fenced blocks (sample output, shell commands) are prose.
                    var block = [line]
                    while index < lines.count {
                        block.append(lines[index])
                        index += 1
                        if block.last!.hasPrefix("```") { break }
                    }
                    if steps.isEmpty { introduction += block } else { steps[steps.count - 1].prose += block }
                    continue
                }
                guard !steps.isEmpty else {
                    throw FormatError(file: path, line: number, message: "a ```\(kind) block before the first ## step")
                }
                var body: [String] = []
                while index < lines.count && !lines[index].hasPrefix("```") {
                    body.append(lines[index])
                    index += 1
                }
                guard index < lines.count else {
                    throw FormatError(file: path, line: number, message: "this ```\(kind) block is never closed")
                }
                index += 1
                let statements = try ScriptFile(name: path, text: body.joined(separator: "\n"), firstLine: number + 1)
                    .statements
                switch kind {
                case "setup": steps[steps.count - 1].setup += statements
                case "bpfsh": steps[steps.count - 1].proposals += statements
                case "check": steps[steps.count - 1].checks += statements
                case "cleanup": steps[steps.count - 1].cleanup = (steps[steps.count - 1].cleanup ?? []) + statements
                case "equivalent": steps[steps.count - 1].equivalent += statements
                case "crowded": steps[steps.count - 1].crowded += statements
                default: steps[steps.count - 1].equivalentChecks += statements
                }
                continue
            }
            if line.hasPrefix("## ") {
                steps.append(Step(title: String(line.dropFirst(3)).trimmingCharacters(in: .whitespaces), line: number))
            } else if line.hasPrefix("# ") && title.isEmpty && steps.isEmpty {
                title = String(line.dropFirst(2)).trimmingCharacters(in: .whitespaces)
            } else if !steps.isEmpty && line.hasPrefix("Hint:") {
                steps[steps.count - 1].hints.append(String(line.dropFirst(5)).trimmingCharacters(in: .whitespaces))
            } else if !steps.isEmpty && line.hasPrefix("Requires:") {
                steps[steps.count - 1].requires += line.dropFirst(9).split(separator: ",").map {
                    $0.trimmingCharacters(in: .whitespaces)
                }
            } else if steps.isEmpty {
                introduction.append(line)
            } else {
                steps[steps.count - 1].prose.append(line)
            }
        }
        if title.isEmpty { title = name }
        guard !steps.isEmpty else {
            throw FormatError(file: path, line: 1, message: "no steps: each step starts with a '## ' heading")
        }
        for step in steps where step.proposals.isEmpty && step.equivalent.isEmpty {
            throw FormatError(
                file: path, line: step.line, message: "step '\(step.title)' proposes nothing: add a ```bpfsh block")
        }
        introduction = Tutorial.trimmed(introduction)
        for i in steps.indices { steps[i].prose = Tutorial.trimmed(steps[i].prose) }
    }

    /// Without blank lines at either end.
    static func trimmed(_ lines: [String]) -> [String] {
        var result = lines
        while result.first?.trimmingCharacters(in: .whitespaces).isEmpty == true { result.removeFirst() }
        while result.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { result.removeLast() }
        return result
    }
}
