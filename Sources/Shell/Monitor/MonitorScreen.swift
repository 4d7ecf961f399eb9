import Tables

/// One reading of everything `monitor` shows, taken at `time` (seconds, monotonic).
struct MonitorSample: Equatable {
    struct Probe: Equatable {
        var name: String
        var attached: Bool
        /// Runs counted by the probe's own programs.
        var fired: UInt64
        /// Runs and time the kernel's run statistics measured (they are on while monitoring).
        var timedRuns: UInt64
        var runNanoseconds: UInt64
        var maps: [String]
        /// Events of this probe the ring refused.
        var lostEvents: UInt64

        init(
            name: String, attached: Bool, fired: UInt64, timedRuns: UInt64? = nil, runNanoseconds: UInt64,
            maps: [String], lostEvents: UInt64 = 0
        ) {
            self.name = name
            self.attached = attached
            self.fired = fired
            self.timedRuns = timedRuns ?? fired
            self.runNanoseconds = runNanoseconds
            self.maps = maps
            self.lostEvents = lostEvents
        }
    }
    struct Map: Equatable {
        var name: String
        var entries: Int
        var limit: Int
        /// LRU maps evict instead of refusing keys: never "full".
        var isLRU = false
        var isFull: Bool { !isLRU && limit > 1 && entries >= limit }
    }
    var time: Double
    var probes: [Probe]
    var maps: [Map]
    var lostEvents: UInt64
}

/// What the person chose: the probe order, the selected probe and map, pause.
struct MonitorState: Equatable {
    enum Order: String, CaseIterable {
        case rate = "fired/s", cost = "ns/run", cpu = "CPU %", name
    }
    var order = Order.rate
    /// The selected probe, by name (indexes move when the order changes).
    var selectedProbe: String?
    /// The map whose top rows show, by name.
    var chosenMap: String?
    /// A query to show instead (`monitor @files | group by key2`), run afresh every frame;
    /// `showingQuery` says whether it is the view chosen now (m/M cycle through it and the maps).
    var query: String?
    var showingQuery = false
    var paused = false
    var interval = 1.0
    /// The last key's outcome ("sys detached"), shown at the bottom.
    var message = ""
}

/// The monitor's screen as lines, a pure function of two readings (for rates) and the state,
/// so it is tested as text. Rates are over the time between the readings; without an earlier
/// reading they show as `-`.
enum MonitorScreen {
    struct ProbeRow: Equatable {
        var probe: MonitorSample.Probe
        var firedPerSecond: Double?
        var nanosecondsPerRun: Double?
        /// Share of all CPUs spent running the probe's programs, in percent.
        var cpuPercent: Double?
    }

    static let keysLine = "q quit  p pause  s sort  ↑↓ probe  d detach  a attach  m/M map  c clear map"

    static func probeRows(
        _ now: MonitorSample, _ before: MonitorSample?, cpus: Int, order: MonitorState.Order
    )
        -> [ProbeRow]
    {
        let rows = now.probes.map { probe -> ProbeRow in
            guard let before, let earlier = before.probes.first(where: { $0.name == probe.name }),
                now.time > before.time
            else { return ProbeRow(probe: probe) }
            let seconds = now.time - before.time
            let runs = Double(probe.fired &- earlier.fired)
            let timed = Double(probe.timedRuns &- earlier.timedRuns)
            let nanoseconds = Double(probe.runNanoseconds &- earlier.runNanoseconds)
            return ProbeRow(
                probe: probe, firedPerSecond: runs / seconds,
                nanosecondsPerRun: timed > 0 ? nanoseconds / timed : nil,
                cpuPercent: nanoseconds / (seconds * 1e9 * Double(max(1, cpus))) * 100)
        }
        func key(_ row: ProbeRow) -> Double {
            switch order {
            case .rate: return row.firedPerSecond ?? -1
            case .cost: return row.nanosecondsPerRun ?? -1
            case .cpu: return row.cpuPercent ?? -1
            case .name: return 0
            }
        }
        return rows.enumerated().sorted { a, b in
            if order == .name { return a.element.probe.name < b.element.probe.name }
            let (x, y) = (key(a.element), key(b.element))
            return x != y ? x > y : a.offset < b.offset
        }.map(\.element)
    }

    static func render(
        now: MonitorSample, before: MonitorSample?, table: MapTable?, state: MonitorState, cpus: Int, width: Int,
        height: Int
    ) -> [String] {
        var lines: [String] = []
        let lost = now.lostEvents > 0 ? "ring: \(now.lostEvents) events lost" : "ring: nothing lost"
        lines.append(
            "bpfsh monitor · every \(Duration.text(state.interval)) · \(cpus) CPU\(cpus == 1 ? "" : "s") · \(lost)"
                + " · probes by \(state.order.rawValue)" + (state.paused ? " · PAUSED" : ""))
        lines.append("")
        let rows = probeRows(now, before, cpus: cpus, order: state.order)
        let full = Set(now.maps.filter(\.isFull).map(\.name))
        let selected =
            state.selectedProbe.flatMap { name in rows.contains { $0.probe.name == name } ? name : nil }
            ?? rows.first?.probe.name
        var probeTable: [[String]] = rows.map { row in
            let losses =
                (row.probe.lostEvents > 0 ? ["\(row.probe.lostEvents) events"] : [])
                + row.probe.maps.filter(full.contains).map { "\($0) full" }
            return [
                (row.probe.name == selected ? "> " : "  ") + row.probe.name,
                row.probe.attached ? "attached" : "detached",
                row.firedPerSecond.map(number) ?? "-",
                row.nanosecondsPerRun.map(number) ?? "-",
                row.cpuPercent.map(percent) ?? "-",
                String(row.probe.fired),
                losses.isEmpty ? "-" : losses.joined(separator: " "),
            ]
        }
        if probeTable.isEmpty { probeTable = [["  (no probes: define one, then monitor)", "", "", "", "", "", ""]] }
        lines += columns(
            ["  probe", "state", "fired/s", "ns/run", "CPU %", "fired", "losses"], probeTable, right: 2...5)
        lines.append("")
        let mapTable = now.maps.map { map -> [String] in
            let fill = map.limit > 1 ? percent(Double(map.entries) / Double(map.limit) * 100) : "-"
            return [
                (map.name == state.chosenMap && !state.showingQuery ? "> " : "  ") + map.name, String(map.entries),
                map.limit > 1 ? String(map.limit) : "-", fill + (map.isFull ? " FULL" : ""),
            ]
        }
        if !mapTable.isEmpty {
            lines += columns(["  map", "entries", "limit", "fill"], mapTable, right: 1...2)
            lines.append("")
        }
        // The chosen map's top rows fill what is left above the two footer lines.
        let room = height - lines.count - 3
        if let table, room >= 2 {
            // A series shows one row per key with its trend; anything else its largest rows.
            let top =
                table.series != nil
                ? SeriesSummary.top(table, n: max(1, room - 2), by: nil, ascending: false)
                : TableQuery.top(table, n: max(1, room - 2))
            let total = table.series != nil ? TableSeries.lines(table).count : table.rows.count
            let title = state.showingQuery ? (state.query ?? table.name) : table.name
            lines.append(
                "\(title): top \(top.rows.count) of \(total) " + (table.series != nil ? "by last value" : "by value"))
            let text = table.rows.isEmpty ? "  (empty)" : ColumnTable.render(top)
            lines += text.split(separator: "\n").prefix(room - 1).map { "  " + $0 }
        }
        let body = lines.prefix(max(1, height - 2)).map { clip($0, width) }
        let padding = Array(repeating: "", count: max(0, height - 2 - body.count))
        return body + padding + [clip(keysLine, width), clip(state.message, width)]
    }

    /// Rows under headers, two spaces apart; numbers (the columns in `right`) right-aligned.
    static func columns(_ headers: [String], _ rows: [[String]], right: ClosedRange<Int>) -> [String] {
        let all = [headers] + rows
        let widths = headers.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.indices.map { column -> String in
                let pad = String(repeating: " ", count: widths[column] - row[column].count)
                return right.contains(column) ? pad + row[column] : row[column] + pad
            }.joined(separator: "  ")
        }.map { line in String(line.reversed().drop { $0 == " " }.reversed()) }
    }

    static func clip(_ line: String, _ width: Int) -> String {
        line.count <= width ? line : String(line.prefix(max(0, width - 1))) + "…"
    }

    /// 1.2M, 48.2K, 951, 0.5: short enough for a column.
    static func number(_ value: Double) -> String {
        if value >= 1e6 { return String(format1(value / 1e6)) + "M" }
        if value >= 1e4 { return String(format1(value / 1e3)) + "K" }
        if value >= 10 || value == 0 { return String(Int(value.rounded())) }
        return format1(value)
    }

    static func percent(_ value: Double) -> String {
        value >= 10 ? String(Int(value.rounded())) + "%" : format2(value) + "%"
    }

    private static func format1(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    private static func format2(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        return "\(hundredths / 100)." + (hundredths % 100 < 10 ? "0" : "") + "\(hundredths % 100)"
    }
}
