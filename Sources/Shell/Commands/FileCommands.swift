import Foundation
import Tables

/// Commands that turn tables into files and back: folded stacks, flame graphs, saved tables.
enum FileCommands {
    static let all: [Command] = [
        Command(
            name: "stack", usage: "stack fold TABLE [> FILE] [--offsets] [--force]",
            summary: "folded stacks (flamegraph.pl, speedscope, inferno), to the screen or a file", argument: .map
        ) { shell, args, _ in
            let words = try Redirection(args)
            guard words.rest.first == "fold", words.rest.count == 2 else {
                throw CommandError("usage: stack fold TABLE [> FILE] [--offsets] [--force]")
            }
            var options = FoldedStacks.Options()
            options.keepOffsets = words.flags.contains("--offsets")
            options.stackKinds = stackKinds(of: words.rest[1], in: shell)
            let folded = FoldedStacks(table: try shell.tables.table(words.rest[1]), options: options)
            if folded.lines.isEmpty { throw CommandError("\(words.rest[1]) holds no stacks to fold") }
            try words.deliver(
                folded.text, to: shell, what: "\(folded.lines.count) stacks, \(folded.totalSamples) samples")
        },
        Command(
            name: "flame", usage: "flame TABLE [AFTER] > FILE.svg [--force]",
            summary: "an interactive SVG flame graph; with two tables, a differential one", argument: .map
        ) { shell, args, _ in
            let words = try Redirection(args)
            guard words.path != nil, (1...2).contains(words.rest.count) else {
                throw CommandError("usage: flame TABLE [AFTER] > FILE.svg [--force]")
            }
            let svg: String
            if words.rest.count == 2 {
                svg = DifferentialFlameGraph.svg(
                    before: FoldedStacks(table: try shell.tables.table(words.rest[0])),
                    after: FoldedStacks(table: try shell.tables.table(words.rest[1])),
                    title: "\(words.rest[0]) → \(words.rest[1])")
            } else {
                var fold = FoldedStacks.Options()
                fold.stackKinds = stackKinds(of: words.rest[0], in: shell)
                svg = FlameGraph.svg(
                    table: try shell.tables.table(words.rest[0]), title: words.rest[0], foldOptions: fold)
            }
            try words.deliver(svg, to: shell, what: "flame graph")
        },
        Command(
            name: "save", usage: "save TABLE FILE [--force]",
            summary: "save a table as CSV, JSON, bpftrace text, folded stacks or a profile (.pb.gz, .speedscope.json)",
            argument: .map
        ) { shell, args, _ in
            let words = try Redirection(args)
            guard words.rest.count == 2 else {
                throw CommandError(
                    "usage: save TABLE FILE.csv|.json|.txt|.folded|.pb.gz|.speedscope.json [--force]")
            }
            let table = try shell.tables.table(words.rest[0])
            if let profile = ProfileFormat(path: words.rest[1]) {
                try saveProfile(table, as: profile, named: words.rest[0], to: words.rest[1], words: words, in: shell)
                return
            }
            if words.rest[1].hasSuffix(".folded") {
                var options = FoldedStacks.Options()
                options.stackKinds = stackKinds(of: words.rest[0], in: shell)
                let folded = FoldedStacks(table: table, options: options)
                try SafeFileWriter.write(folded.text, to: words.rest[1], force: words.flags.contains("--force"))
                shell.print("\(words.rest[0]) saved to \(words.rest[1]) (\(folded.lines.count) stacks, folded)")
                return
            }
            guard let format = TableFileFormat(path: words.rest[1]) else {
                throw CommandError("\(words.rest[1]): name the file .csv, .json, .txt or .folded to choose its format")
            }
            try SafeFileWriter.write(
                TableFile.save(table, format: format), to: words.rest[1], force: words.flags.contains("--force"))
            shell.print("\(words.rest[0]) saved to \(words.rest[1]) (\(table.rows.count) rows, \(format.rawValue))")
        },
        Command(
            name: "load", usage: "load FILE [as NAME]",
            summary: "bring a saved table back (CSV or JSON) as a kept table",
            argument: .file
        ) { shell, args, _ in
            guard let path = args.first, args.count == 1 || (args.count == 3 && args[1] == "as") else {
                throw CommandError("usage: load FILE [as NAME]")
            }
            guard let format = TableFileFormat(path: path) else {
                throw CommandError("\(path): only .csv and .json files can be loaded")
            }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CommandError("cannot read \(path): \(String(cString: strerror(errno)))")
            }
            let table: MapTable
            do { table = try TableFile.load(Array(data), format: format) } catch {
                throw CommandError("\(path): \(error)")
            }
            let base = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
            let name = args.count == 3 ? args[2] : String(base.map { $0.isLetter || $0.isNumber ? $0 : "_" })
            try shell.tables.keep(table, as: name)
            shell.print("\(path) loaded as \(name) (\(table.rows.count) rows)")
        },
    ]
}

/// A stack table as pprof or speedscope, kernel and user frames apart as in folded stacks.
private func saveProfile(
    _ table: MapTable, as format: ProfileFormat, named name: String, to path: String, words: Redirection,
    in shell: Shell
) throws {
    var options = FoldedStacks.Options()
    options.stackKinds = stackKinds(of: name, in: shell)
    guard table.rows.contains(where: { row in row.key.contains { if case .stack = $0 { true } else { false } } })
    else { throw CommandError("\(name) holds no stacks: a profile needs a map keyed by kstack or ustack") }
    let bytes = format.encode(table, title: name, options: options)
    try SafeFileWriter.write(Data(bytes), to: path, force: words.flags.contains("--force"))
    let what = format == .pprof ? "pprof" : "speedscope"
    shell.print(
        "\(name) saved to \(path) (\(ProfileStacks(table: table, options: options).samples.count) stacks, \(what))")
    shell.wroteFile(path)
}

/// Which stack key parts of a live map are kernel and which user, from the compiler's types
/// (kept tables fall back to the folder's own inference).
func stackKinds(of name: String, in shell: Shell) -> [FoldedStacks.StackKind]? {
    guard name.hasPrefix("@"), let info = shell.session.mapInfo(named: name) else { return nil }
    let kinds: [FoldedStacks.StackKind] = info.keys.compactMap { key in
        switch key {
        case .kstack: return .kernel
        case .ustack: return .user
        default: return nil
        }
    }
    return kinds.isEmpty ? nil : kinds
}

/// The words of a command with `> FILE` and `--flags` taken out.
struct Redirection {
    var rest: [String] = []
    var path: String?
    var flags: Set<String> = []

    init(_ words: [String]) throws {
        var index = 0
        while index < words.count {
            let word = words[index]
            if word == ">" {
                guard index + 1 < words.count else { throw CommandError("'>' needs a file name") }
                path = words[index + 1]
                index += 1
            } else if word.hasPrefix(">") {
                path = String(word.dropFirst())
            } else if word.hasPrefix("--") {
                flags.insert(word)
            } else {
                rest.append(word)
            }
            index += 1
        }
    }

    /// Prints `text`, or writes it to the redirection's file.
    func deliver(_ text: String, to shell: Shell, what: String) throws {
        guard let path else {
            shell.print(text)
            return
        }
        try SafeFileWriter.write(text, to: path, force: flags.contains("--force"))
        shell.print("wrote \(path) (\(what))")
        shell.wroteFile(path)
    }
}
