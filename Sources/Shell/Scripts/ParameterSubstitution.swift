/// `${NAME}` in a statement becomes the value of script parameter NAME (`bpfsh FILE.bpfsh
/// pid=1234`, or a `param NAME = DEFAULT` line). The `${...}` form cannot clash with the probe
/// language, whose `$x` and `$1` are variables and positional parameters.
public enum ParameterSubstitution {
    public static func apply(_ parameters: [String: String], to text: String) throws -> String {
        guard text.contains("${") else { return text }
        var result = ""
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            result += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                throw CommandError("'${' without a closing '}': parameters are written ${NAME}")
            }
            let name = String(rest[start.upperBound..<end])
            guard isName(name) else {
                throw CommandError("'${\(name)}' is not a parameter name: use letters, digits and _")
            }
            guard let value = parameters[name] else {
                throw CommandError(
                    "unknown parameter ${\(name)}: pass it as \(name)=VALUE, "
                        + "or declare a default with param \(name) = VALUE"
                )
            }
            result += value
            rest = rest[rest.index(after: end)...]
        }
        return result + rest
    }

    public static func isName(_ text: String) -> Bool {
        guard let first = text.first, first.isLetter || first == "_" else { return false }
        return text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
    }

    /// `NAME=VALUE` words from the command line, as parameters.
    public static func parse(_ words: [String]) throws -> [String: String] {
        var parameters: [String: String] = [:]
        for word in words {
            guard let equals = word.firstIndex(of: "="), isName(String(word[..<equals])) else {
                throw CommandError("'\(word)' is not a parameter: write NAME=VALUE")
            }
            parameters[String(word[..<equals])] = String(word[word.index(after: equals)...])
        }
        return parameters
    }
}
