/// Parses the common command lines (`-e PROGRAM`, `FILE ARGS...`, `-l [GLOB]`, `--dry-run`,
/// flags and options each given once, in any order) without swift-argument-parser, whose
/// reflection over the command's properties cost a few milliseconds of every start.
///
/// Anything else — help, `--version`, an unknown or repeated option, `--opt=value`, grouped
/// short flags, `--` (before a program's own `--name=value` parameters), a value that looks like an option, a pid that is not a number — gives
/// nil, and the caller hands the command line to swift-argument-parser, which accepts it or
/// explains the error with the usage. So this parser never has to say why it refuses.
public enum QuickParser {
    /// Sets the flag (an option without a value) named `word`; false if there is none. A
    /// switch, not a table of key paths: building those cost ~0.3 ms of every start.
    static func setFlag(_ word: String, in invocation: inout Invocation) -> Bool {
        switch word {
        case "-l": invocation.list = true
        case "-v": invocation.verbose = true
        case "--unsafe": invocation.unsafe = true
        case "--trace-self": invocation.traceSelf = true
        case "-q": invocation.quiet = true
        case "--no-warnings": invocation.noWarnings = true
        case "--info": invocation.info = true
        case "-k": invocation.probeReadErrors = true
        case "--emit-llvm": invocation.emitLLVM = true
        case "--dry-run": invocation.dryRun = true
        case "--check": invocation.check = true
        case "--keep-going": invocation.keepGoing = true
        case "--auto": invocation.auto = true
        case "--force": invocation.force = true
        case "--interactive": invocation.interactive = true
        case "--serve": invocation.serve = true
        default: return false
        }
        return true
    }

    /// Options taking the next word as their value.
    public static let options: Set<String> = [
        "-e", "-c", "-p", "-f", "-o", "-B", "--probe-filter", "--record", "--notebook", "--max-wait",
    ]

    public static func parse(_ words: [String]) -> Invocation? {
        var invocation = Invocation()
        var seen: Set<String> = []
        var index = 0
        while index < words.count {
            let word = words[index]
            index += 1
            guard word.hasPrefix("-") else {
                // `help` as a first word is swift-argument-parser's to answer.
                if invocation.arguments.isEmpty && word == "help" { return nil }
                invocation.arguments.append(word)
                continue
            }
            // Each flag and option once (but --notebook), so "which one wins" never arises.
            guard word == "--notebook" || seen.insert(word).inserted else { return nil }
            if setFlag(word, in: &invocation) { continue }
            guard options.contains(word), index < words.count, !words[index].hasPrefix("-") else { return nil }
            let value = words[index]
            index += 1
            switch word {
            case "-e": invocation.program = value
            case "-c": invocation.command = value
            case "-f": invocation.format = value
            case "-o": invocation.outputFile = value
            case "-B": invocation.buffering = value
            case "--probe-filter": invocation.probeFilter = value
            case "--record": invocation.record = value
            case "--notebook": invocation.notebooks.append(value)
            case "--max-wait": invocation.maxWait = value
            case "-p":
                // Only plain decimal digits: anything else is the other parser's to judge.
                guard !value.isEmpty, value.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let pid = Int32(value) else {
                    return nil
                }
                invocation.pid = pid
            default: return nil
            }
        }
        return invocation
    }
}
