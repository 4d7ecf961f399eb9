import Foundation

/// One case of bpftrace's runtime suite (`tests/runtime/FILE`), read as its engine reads it
/// (`tests/runtime/engine/parser.py`): blank-line separated blocks of directives, `#` lines
/// ignored, a line starting with whitespace continuing PROG, EXPECT or EXPECT_REGEX.
struct RuntimeCase {
    enum ExpectMode: String { case text, textNone, regex, regexNone, file, json }

    struct Expectation {
        var mode: ExpectMode
        var text: String
    }

    /// The file's path under tests/runtime, such as `call/strlen` or `basic`.
    var file: String
    var name: String
    /// Which case of that name in the file this is (1 for the first): a few names repeat.
    var occurrence = 1
    var run = ""
    var prog = ""
    var expects: [Expectation] = []
    var timeout = 5
    var befores: [String] = []
    var after = ""
    var setup = ""
    var cleanup = ""
    var minKernel = ""
    var maxKernel = ""
    var requires: [String] = []
    var environment: [String: String] = [:]
    var architectures: [String] = []
    var features: [String] = []
    var willFail = false
    var newPIDNamespace = false
    var skipIfEnvironmentHas: (String, String)? = nil
    var returnCode = 0

    /// `FILE/NAME`, with `#N` for the second and later cases of a repeated name.
    var key: String { occurrence == 1 ? "\(file)/\(name)" : "\(file)/\(name)#\(occurrence)" }
    /// The case as IN-SCOPE.txt names it (repeated names are listed once per case).
    var scopeName: String { "\(file)/\(name)" }
    /// EXPECT_JSON and EXPECT_FILE compare the whole output from the attach notice on.
    var hasExactExpect: Bool { expects.contains { $0.mode == .file || $0.mode == .json } }

    struct ParseError: Error, CustomStringConvertible {
        var file: String
        var message: String
        var description: String { "\(file): \(message)" }
    }

    /// The cases of one file that this machine's architecture runs (the engine drops the
    /// others while parsing, through ARCH).
    static func parse(_ text: String, file: String, machine: String) throws -> [RuntimeCase] {
        var cases: [RuntimeCase] = []
        var block: [String] = []
        let lines = text.components(separatedBy: "\n")
        // A final newline makes the last element empty; the engine sees the file's lines.
        let count = text.hasSuffix("\n") ? lines.count - 1 : lines.count
        var seen: [String: Int] = [:]
        for index in 0..<count {
            let line = lines[index]
            if line.hasPrefix("#") { continue }
            if !line.isEmpty { block.append(line) }
            if line.isEmpty || index == count - 1, !block.isEmpty {
                var item = try parseBlock(block, file: file)
                block = []
                guard item.runs(onMachine: machine) else { continue }
                seen[item.name, default: 0] += 1
                item.occurrence = seen[item.name]!
                cases.append(item)
            }
        }
        return cases
    }

    /// ARCH: positive names must include the machine (or its byte order), `!` names must not.
    func runs(onMachine machine: String) -> Bool {
        let host: Set<String> = [machine.lowercased(), "le"]
        let positive = Set(architectures.filter { !$0.hasPrefix("!") })
        let negative = Set(architectures.filter { $0.hasPrefix("!") }.map { String($0.dropFirst()) })
        if !positive.isEmpty && host.isDisjoint(with: positive) { return false }
        return host.isDisjoint(with: negative)
    }

    private static func parseBlock(_ lines: [String], file: String) throws -> RuntimeCase {
        var item = RuntimeCase(file: file, name: "")
        var previous = ""
        for line in lines {
            // Whitespace as wide as the previous directive and its space continues it.
            let indent = line.prefix(previous.count + 1)
            if !previous.isEmpty, indent.count == previous.count + 1, indent.allSatisfy(\.isWhitespace) {
                let rest = String(line.dropFirst(previous.count + 1))
                if previous == "PROG" {
                    item.prog += "\n" + rest
                    continue
                }
                if previous == "EXPECT" || previous == "EXPECT_REGEX", !item.expects.isEmpty {
                    item.expects[item.expects.count - 1].text += "\n" + rest
                    continue
                }
            }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            let directive = String(trimmed.prefix { !$0.isWhitespace })
            let value = String(trimmed.dropFirst(directive.count).drop { $0.isWhitespace })
            previous = directive
            switch directive {
            case "NAME": item.name = value
            case "RUN": item.run = value
            case "PROG": item.prog = value
            case "EXPECT": item.expects.append(Expectation(mode: .text, text: value))
            case "EXPECT_NONE": item.expects.append(Expectation(mode: .textNone, text: value))
            case "EXPECT_REGEX": item.expects.append(Expectation(mode: .regex, text: value))
            case "EXPECT_REGEX_NONE": item.expects.append(Expectation(mode: .regexNone, text: value))
            case "EXPECT_FILE": item.expects.append(Expectation(mode: .file, text: value))
            case "EXPECT_JSON": item.expects.append(Expectation(mode: .json, text: value))
            case "TIMEOUT": item.timeout = Int(value.trimmingCharacters(in: .whitespaces)) ?? 5
            case "BEFORE": item.befores.append(value)
            case "AFTER": item.after = value
            case "SETUP": item.setup = value
            case "CLEANUP": item.cleanup = value
            case "MIN_KERNEL": item.minKernel = value
            case "MAX_KERNEL": item.maxKernel = value
            case "REQUIRES": item.requires.append(value)
            case "ENV":
                for pair in value.split(separator: " ") {
                    let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                    if parts.count == 2 { item.environment[parts[0]] = parts[1] }
                }
            case "ARCH":
                item.architectures = value.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            case "REQUIRES_FEATURE": item.features += value.split(separator: " ").map(String.init)
            case "WILL_FAIL": item.willFail = true
            case "NEW_PIDNS": item.newPIDNamespace = true
            case "SKIP_IF_ENV_HAS":
                let parts = value.split(separator: "=", maxSplits: 1).map(String.init)
                if parts.count == 2 { item.skipIfEnvironmentHas = (parts[0], parts[1]) }
            case "RETURN_CODE": item.returnCode = Int(value.trimmingCharacters(in: .whitespaces)) ?? 0
            case "LOCALIZE_TIMESTAMPS": break
            default: throw ParseError(file: file, message: "\(directive) is not a runtime test directive")
            }
        }
        if item.name.isEmpty { throw ParseError(file: file, message: "a case without NAME") }
        if item.run.isEmpty == item.prog.isEmpty {
            throw ParseError(file: file, message: "\(item.name): exactly one of RUN and PROG is needed")
        }
        return item
    }
}
