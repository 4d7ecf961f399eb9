import Tables

/// Commands that look at a table after the fact: a live map (`@name`) or a kept table.
enum TableCommands {
    static let all: [Command] = [
        Command(
            name: "top", usage: "top TABLE [N] [by COLUMN] [asc]",
            summary: "the N largest rows (by value, key, key1...); of a series, each key's trend",
            argument: .map
        ) { shell, args, rest in
            guard !args.isEmpty else { throw CommandError("usage: top TABLE [N] [by COLUMN] [asc]") }
            // The query stage of the same name, so columns, errors and series behave alike.
            try QueryCommands.run("top " + rest, in: shell)
        },
        Command(
            name: "sort", usage: "sort TABLE [by COLUMN] [asc | desc]", summary: "every row, ordered by a column",
            argument: .map
        ) { shell, args, rest in
            guard !args.isEmpty else { throw CommandError("usage: sort TABLE [by COLUMN] [asc | desc]") }
            try QueryCommands.run("sort " + rest, in: shell)
        },
        Command(
            name: "where", usage: "where TABLE CONDITION",
            summary: "rows matching e.g. value > 100, key == \"bash\", key2 ~ \"ssh\"",
            argument: .map
        ) { shell, args, rest in
            guard let name = args.first else { throw CommandError("usage: where TABLE CONDITION") }
            let condition = String(rest.dropFirst(name.count)).trimmingCharacters(in: .whitespaces)
            switch TableQuery.filter(try shell.tables.table(name), where: condition) {
            case .success(let table): shell.show(table, text: ColumnTable.render(table))
            case .failure(let error):
                throw CommandError(
                    "where: \(error.message)\n  \(condition)\n  " + String(repeating: " ", count: error.offset) + "^")
            }
        },
        Command(
            name: "hist", usage: "hist TABLE [linear MIN MAX STEP]",
            summary: "a table as histograms (re-binning plain values), with percentiles",
            argument: .map
        ) { shell, args, _ in
            guard let name = args.first else { throw CommandError("usage: hist TABLE [linear MIN MAX STEP]") }
            let table = try shell.tables.table(name)
            var histograms = ShellHistograms.entries(of: table)
            if histograms.isEmpty {
                let kind: HistogramKind
                if args.count == 5, args[1] == "linear", let low = Int64(args[2]), let high = Int64(args[3]),
                    let step = Int64(args[4]), step > 0, high > low
                {
                    kind = .linear(min: low, max: high, step: step)
                } else if args.count > 1 {
                    throw CommandError("usage: hist TABLE [linear MIN MAX STEP]")
                } else {
                    kind = .log2
                }
                let result = Rebinning.rebin(table, into: kind)
                histograms = [(table.name, result.histogram)]
            }
            var text = ""
            for (label, histogram) in histograms {
                text += "\(label):\n" + BpftraceTextRenderer.histogram(histogram)
                let unit = ValueUnit.inferred(fromName: table.name)
                text += HistogramSummary.line(histogram, unit: unit) + "\n"
                if let outliers = HistogramSummary.outliers(histogram, unit: unit) { text += outliers + "\n" }
                text += "\n"
            }
            shell.showHistograms(histograms, text: text)
        },
        Command(
            name: "snapshot", usage: "snapshot TABLE as NAME",
            summary: "keep a copy of a table now, to compare with diff later",
            argument: .map
        ) { shell, args, _ in
            guard args.count == 3, args[1] == "as" else { throw CommandError("usage: snapshot TABLE as NAME") }
            try shell.tables.keep(try shell.tables.table(args[0]), as: args[2])
            shell.print("\(args[2]) kept (\(try shell.tables.table(args[2]).rows.count) rows)")
        },
        Command(
            name: "diff", usage: "diff BEFORE AFTER",
            summary: "what changed between two tables (e.g. a snapshot and the live map)",
            argument: .map
        ) { shell, args, _ in
            guard args.count == 2 else { throw CommandError("usage: diff BEFORE AFTER") }
            let before = try shell.tables.table(args[0]), after = try shell.tables.table(args[1])
            if TableDiff.isUnchanged(before: before, after: after) {
                let rows = "\(after.rows.count) row\(after.rows.count == 1 ? "" : "s")"
                shell.print("\(args[0]) and \(args[1]) are equal (\(rows)): nothing changed")
                return
            }
            shell.print(BpftraceTextRenderer.render(TableDiff.diff(before: before, after: after)))
        },
        Command(name: "tables", usage: "tables", summary: "list kept tables (snapshots, series, loaded files)") {
            shell, _, _ in
            let sampling = Set(shell.backgroundSeries.map(\.name))
            let rows = shell.tables.saved.keys.sorted().map { name -> [String] in
                let table = shell.tables.saved[name]!
                var what = ""
                if let info = table.series {
                    what = "series of \(info.source): \(info.times.count) samples every \(Duration.text(info.interval))"
                    if info.measure != .cumulative { what += " (\(info.measure.rawValue))" }
                    if sampling.contains(name) { what += ", sampling" }
                }
                return [name, String(table.rows.count), what]
            }
            if rows.isEmpty {
                shell.print("no kept tables: snapshot @MAP as NAME keeps one")
                return
            }
            shell.showColumns(headers: ["table", "rows", "what"], rows: rows)
        },
    ]
}
