import Foundation
import Tables

/// `monitor`: every probe and map at a glance, live.
enum MonitorCommands {
    static let all: [Command] = [
        Command(
            name: "monitor", usage: "monitor [@MAP | QUERY] [every DURATION]",
            summary: "a live full-screen view: probes' fired/s, ns per run, CPU %, losses; maps; a map's top rows",
            details: "Keys: q quit, p pause, s sort probes (fired/s, ns/run, CPU %, name), up/down (j/k) select a "
                + "probe, d detach it, a attach it, m/M show the next/previous map, c clear the map shown. "
                + "A QUERY (monitor @files | group by key2, monitor live | rate) is run afresh every frame; a "
                + "series shows each key's trend. Kernel run-time statistics are on while it is open. Without a "
                + "terminal it prints one frame.",
            argument: .map
        ) { shell, args, rest in
            var state = MonitorState()
            var text = rest
            if let range = text.range(of: #"\s+every\s+\S+\s*$"#, options: .regularExpression) {
                let words = text[range].split(separator: " ").map(String.init)
                guard let seconds = Duration.seconds(words.last ?? ""), seconds >= 0.05 else {
                    throw CommandError("monitor: every takes a duration of at least 50ms (e.g. 1s)")
                }
                state.interval = seconds
                text = String(text[..<range.lowerBound])
            }
            if QueryText.isPipeline(text) {
                _ = try shell.runMonitorQuery(text)
                state.query = text
                state.showingQuery = true
                shell.monitor(state)
                return
            }
            var index = 0
            while index < args.count {
                if args[index] == "every" {
                    guard index + 1 < args.count, let seconds = Duration.seconds(args[index + 1]), seconds >= 0.05
                    else { throw CommandError("monitor: every takes a duration of at least 50ms (e.g. 1s)") }
                    state.interval = seconds
                    index += 2
                    continue
                }
                guard state.chosenMap == nil else { throw CommandError("usage: monitor [@MAP] [every DURATION]") }
                let name = args[index].hasPrefix("@") ? args[index] : "@" + args[index]
                guard shell.session.mapInfo(named: name) != nil else {
                    throw CommandError(
                        "no map \(name): monitor shows one of "
                            + shell.session.mapInfos.map { "@" + $0.name }.joined(separator: ", "))
                }
                state.chosenMap = name
                index += 1
            }
            shell.monitor(state)
        }
    ]
}
