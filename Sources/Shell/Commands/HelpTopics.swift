import Foundation

/// `help`: the commands grouped by topic and wrapped to the terminal, so it reads on 80 columns.
/// A command joins a topic here by name; one not listed is shown under "more" (and a test says
/// so, so each new command gets its topic).
enum HelpTopics {
    static let topics: [(title: String, commands: [String])] = [
        ("probes", ["probes", "show", "statistics", "monitor", "attach", "detach", "drop", "kernel", "config"]),
        (
            "maps and tables",
            [
                "maps", "print", "clear", "forget", "join", "top", "sort", "where", "hist", "snapshot", "diff",
                "tables",
                "stack", "flame",
            ]
        ),
        ("files", ["save", "load"]),
        ("scripts and notebooks", ["source", "param", "expect", "record", "history", "notebook"]),
        ("time", ["wait", "watch", "series", "plot", "heatmap"]),
        ("workloads", ["spawn", "jobs", "stop"]),
        ("learning", ["tutorial"]),
        ("the shell", ["output", "editor", "help", "quit"]),
    ]

    /// The listing for `commands` at `width` columns: a heading per topic, then each command's
    /// usage and its summary, wrapped under a column that leaves the summary room.
    static func render(_ commands: [Command], width: Int) -> String {
        let width = max(40, width)
        var groups = topics.map { topic in
            (topic.title, topic.commands.compactMap { name in commands.first { $0.name == name } })
        }
        let listed = Set(topics.flatMap(\.commands))
        let others = commands.filter { !listed.contains($0.name) }
        if !others.isEmpty { groups.append(("more", others)) }
        let column = min(30, (commands.map(\.usage.count).max() ?? 0) + 2)
        var out = ""
        for (title, members) in groups where !members.isEmpty {
            out += "\n\(title):\n"
            for command in members {
                let usage = "  " + command.usage
                let words = wrap(command.summary, width: width - column - 3)
                if usage.count + 1 <= column + 2 {
                    out += usage.padding(toLength: column + 3, withPad: " ", startingAt: 0) + words[0] + "\n"
                } else {
                    out += usage + "\n" + String(repeating: " ", count: column + 3) + words[0] + "\n"
                }
                for line in words.dropFirst() { out += String(repeating: " ", count: column + 3) + line + "\n" }
            }
        }
        return out
    }

    /// Words of `text` in lines of at most `width` columns (a longer word gets a line of its own).
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if line.isEmpty {
                line = String(word)
            } else if line.count + 1 + word.count <= max(10, width) {
                line += " " + word
            } else {
                lines.append(line)
                line = String(word)
            }
        }
        lines.append(line)
        return lines
    }

    /// The width of the terminal on standard output, `$COLUMNS`, or 80.
    static func terminalWidth() -> Int {
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), columns > 0 {
            return columns
        }
        return 80
    }
}
