import Foundation
import Tables

/// Views over time: a series of snapshots of a map, its chart, and a latency heat map.
enum SeriesCommands {
    static let all: [Command] = [
        Command(
            name: "series", usage: "series @MAP every DURATION [for DURATION] [as NAME] | series stop NAME",
            summary: "sample a map every interval into one table with a time column (time_ms)",
            details: "With `for` it samples for that long (Ctrl-C ends it early); without, it samples in the "
                + "background while you work, until `series stop NAME` (the last 3600 samples are kept); "
                + "`series` lists those. The series is kept as NAME (default: the map's name and _series) as it "
                + "grows. Then: NAME | delta | top (each key's trend), NAME | rate | plot, heatmap NAME.",
            argument: .map
        ) { shell, args, _ in
            if args.isEmpty {
                listBackgroundSeries(shell)
                return
            }
            if args.first == "stop" {
                try stopBackgroundSeries(Array(args.dropFirst()), shell)
                return
            }
            let words = try SeriesWords(args, command: "series")
            guard let source = words.table, let interval = words.interval else {
                throw CommandError("usage: series @MAP every DURATION [for DURATION] [as NAME]")
            }
            let name = words.name ?? SeriesWords.defaultName(for: source)
            if words.duration == nil {
                try SeriesWords.refuseKept(source, in: shell)
                _ = try shell.startBackgroundSeries(source, every: interval, as: name)
                shell.print(
                    "\(name): sampling \(source) every \(Duration.text(interval)) in the background "
                        + "(series stop \(name) ends it; top \(name) shows the trends)")
                return
            }
            let series = try words.sample(source, every: interval, keepAs: name, in: shell)
            shell.print(SeriesWords.kept(series, as: name))
        },
        Command(
            name: "plot", usage: "plot SERIES [> FILE.svg] [--force]",
            summary: "a series as a line chart per key: in the terminal, or an SVG file",
            argument: .map
        ) { shell, args, _ in
            let words = try Redirection(args)
            guard words.rest.count == 1 else { throw CommandError("usage: plot SERIES [> FILE.svg] [--force]") }
            let table = try shell.tables.table(words.rest[0])
            guard let chart = SeriesChart.of(table) else {
                throw CommandError(
                    "\(words.rest[0]) is not a series: plot draws one over time (series @MAP every 1s as NAME)")
            }
            if words.path == nil {
                shell.print(TerminalChart.render(chart, width: chartWidth(shell)))
            } else {
                try words.deliver(
                    LineChartSVG.render(chart), to: shell, what: "line chart, \(chart.times.count) samples")
            }
        },
        Command(
            name: "heatmap",
            usage: "heatmap TABLE [every DURATION for DURATION] [> FILE.svg] [--log]",
            summary: "a latency heat map (time × histogram bucket) of a hist() map's series",
            details: "heatmap TABLE [every DURATION for DURATION] [as NAME] [> FILE.svg] [--log] [--force]: "
                + "heatmap @lat every 1s for 10s > lat.svg samples @lat eleven times (as NAME keeps the series), "
                + "then draws each interval's "
                + "values; heatmap NAME draws a series kept before. Without a file it is drawn in the terminal. --log "
                + "shades by the logarithm of the count, so a few slow values show beside millions of fast ones.",
            argument: .map
        ) { shell, args, _ in
            let redirection = try Redirection(args)
            let words = try SeriesWords(redirection.rest, command: "heatmap")
            guard let source = words.table else {
                throw CommandError(
                    "usage: heatmap TABLE [every DURATION for DURATION] [as NAME] [> FILE.svg] [--log] [--force]")
            }
            let table: MapTable
            if let interval = words.interval {
                table = try words.sample(source, every: interval, keepAs: words.name, in: shell)
                if let name = words.name { shell.print(SeriesWords.kept(table, as: name)) }
            } else {
                table = try shell.tables.table(source)
            }
            var map: HeatMap
            switch HeatMap.of(table) {
            case .success(let made): map = made
            case .failure(let error): throw CommandError("\(error)")
            }
            map.logScale = redirection.flags.contains("--log")
            if redirection.path == nil {
                shell.print(HeatMapText.render(map, width: chartWidth(shell)))
            } else {
                try redirection.deliver(
                    HeatMapSVG.render(map), to: shell,
                    what: "heat map, \(map.times.count) intervals × \(map.buckets.count) buckets")
            }
        },
    ]

    static func listBackgroundSeries(_ shell: Shell) {
        guard !shell.backgroundSeries.isEmpty else {
            shell.print("no series sampling in the background: series @MAP every 1s as NAME starts one")
            return
        }
        shell.showColumns(
            headers: ["series", "of", "every", "samples"],
            rows: shell.backgroundSeries.map { item in
                [
                    item.name, item.source, Duration.text(item.interval),
                    String(shell.tables.saved[item.name]?.series?.times.count ?? 0),
                ]
            })
    }

    static func stopBackgroundSeries(_ names: [String], _ shell: Shell) throws {
        guard names.count == 1, let name = names.first else { throw CommandError("usage: series stop NAME | all") }
        let stopping = shell.backgroundSeries.filter { name == "all" || $0.name == name }
        guard !stopping.isEmpty else {
            throw CommandError(
                "no series \(name) is sampling: "
                    + (shell.backgroundSeries.isEmpty
                        ? "none is" : "these are: " + shell.backgroundSeries.map(\.name).joined(separator: ", ")))
        }
        shell.backgroundSeries.removeAll { name == "all" || $0.name == name }
        for item in stopping {
            if let series = shell.tables.saved[item.name] { shell.print(SeriesWords.kept(series, as: item.name)) }
        }
    }

    /// Columns for a chart: the terminal's width less the axis labels, at most 100.
    static func chartWidth(_ shell: Shell) -> Int {
        max(20, min(100, HelpTopics.terminalWidth() - 22))
    }
}

/// `TABLE every DURATION [for DURATION] [as NAME]`, in any order after the table.
struct SeriesWords {
    var table: String?
    var interval: Double?
    var duration: Double?
    var name: String?

    init(_ words: [String], command: String) throws {
        var index = 0
        func value(_ what: String) throws -> String {
            guard index + 1 < words.count else { throw CommandError("\(command): '\(what)' needs a value") }
            index += 1
            return words[index]
        }
        while index < words.count {
            let word = words[index]
            switch word {
            case "every", "for":
                let text = try value(word)
                guard let seconds = Duration.seconds(text), seconds > 0 else {
                    throw CommandError("\(command): '\(text)' is not a duration (e.g. 1s, 500ms, 2m)")
                }
                if word == "every" { interval = seconds } else { duration = seconds }
            case "as": name = try value(word)
            default:
                guard table == nil else { throw CommandError("\(command): unexpected '\(word)'") }
                table = word
            }
            index += 1
        }
        if let interval, let duration, duration < interval {
            throw CommandError("\(command): 'for' is shorter than 'every': no interval would be sampled")
        }
        if duration != nil && interval == nil { throw CommandError("\(command): 'for' needs 'every DURATION'") }
    }

    /// Samples a live map for `duration`, in the foreground.
    func sample(_ source: String, every interval: Double, keepAs name: String?, in shell: Shell) throws -> MapTable {
        try Self.refuseKept(source, in: shell)
        guard let duration else {
            throw CommandError("give 'for DURATION' to sample here, e.g. every 1s for 10s")
        }
        return try shell.sampleSeries(source, every: interval, for: duration, keepAs: name)
    }

    /// A kept table does not change, so a series of it would be flat.
    static func refuseKept(_ source: String, in shell: Shell) throws {
        if !source.hasPrefix("@"), shell.tables.saved[source] != nil {
            throw CommandError("\(source) is a kept table and does not change: sample a live map, e.g. @calls")
        }
    }

    static func defaultName(for source: String) -> String {
        String(source.drop { $0 == "@" }.map { $0.isLetter || $0.isNumber ? $0 : "_" }) + "_series"
    }

    /// "calls_series kept: 11 samples of @calls every 1s over 10s (34 rows)"
    static func kept(_ series: MapTable, as name: String) -> String {
        let info = series.series
        let samples = info?.times.count ?? 0
        let span = Double(info?.times.last ?? 0) / 1000
        return "\(name) kept: \(samples) sample\(samples == 1 ? "" : "s") of \(info?.source ?? "?") every "
            + "\(Duration.text(info?.interval ?? 0)) over \(Duration.text(span)) (\(series.rows.count) rows)"
    }
}
