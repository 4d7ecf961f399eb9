import Foundation

/// A session script (`*.bpfsh`) split into statements, each with the line it starts on: the
/// same statements a person types at the prompt, with `#` comment lines and multi-line probes.
public struct ScriptFile {
    public struct Statement: Equatable {
        public var line: Int
        public var text: String
    }

    /// The script ends inside a probe whose `{` is never closed.
    public struct UnclosedBrace: Error, CustomStringConvertible {
        public var file: String
        public var line: Int
        public var description: String {
            "\(file):\(line): error: this probe's '{' is never closed before the end of the script"
        }
    }

    public let name: String
    public let statements: [Statement]

    public init(name: String, text: String, firstLine: Int = 1) throws {
        self.name = name
        var statements: [Statement] = []
        var assembler = InputAssembler()
        var startLine = 0
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if !assembler.isContinuing {
                if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix("//") { continue }
                startLine = index + firstLine
            }
            if let statement = assembler.add(String(line)) {
                statements.append(
                    Statement(line: startLine, text: statement.trimmingCharacters(in: .whitespacesAndNewlines)))
            }
        }
        if assembler.isContinuing { throw UnclosedBrace(file: name, line: startLine) }
        self.statements = statements
    }
}
