import Tables

/// bpftrace's two output formats, chosen with `-f`.
public enum OutputFormat: String, Sendable {
    case text, json

    func map(_ table: MapTable, options: PrintOptions = PrintOptions()) -> String {
        self == .json
            ? JSONRenderer.render(table, options: options) : BpftraceTextRenderer.render(table, options: options)
    }
    func exit(_ tables: [MapTable]) -> String {
        self == .json ? JSONRenderer.renderExit(tables) : BpftraceTextRenderer.renderExit(tables, skipEmpty: true)
    }
    func printf(_ text: String) -> String { self == .json ? JSONRenderer.printf(text) : text }
    func time(_ text: String) -> String { self == .json ? JSONRenderer.time(text) : text }
    func value(_ value: Value) -> String {
        self == .json ? JSONRenderer.value(value) : BpftraceTextRenderer.renderValue(value)
    }
    func attaching(_ count: Int) -> String {
        self == .json ? JSONRenderer.attachedProbes(count) : BpftraceTextRenderer.attachingProbes(count)
    }
    func lost(_ count: UInt64) -> String {
        self == .json ? JSONRenderer.lostEvents(count) : BpftraceTextRenderer.lostEvents(count)
    }
}
