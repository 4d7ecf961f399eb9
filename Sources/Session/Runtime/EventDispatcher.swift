import Codegen
import Foundation
import Language
import Tables

/// Turns ring-buffer records into output: printf text, printed maps and values, times,
/// file contents (`cat`), commands (`system`), and exit requests.
///
/// Every record starts with a format id, unique across the session, which names the call
/// that sent it and so the layout of its arguments.
public final class EventDispatcher {
    /// What the dispatcher needs from its owner.
    public struct Environment {
        /// The call behind a format id.
        public var format: (Int) -> FormatCall?
        /// Reads a map as a table (`print(@m)`), or clears / zeroes it.
        public var mapAction: (_ action: MapAction, _ name: String) -> MapTable?
        /// A probe called exit(code); the id says which.
        public var exit: (_ formatID: Int, _ code: Int32) -> Void
        public init(
            format: @escaping (Int) -> FormatCall?, mapAction: @escaping (MapAction, String) -> MapTable?,
            exit: @escaping (Int, Int32) -> Void
        ) {
            self.format = format
            self.mapAction = mapAction
            self.exit = exit
        }
    }
    public enum MapAction { case print, clear, zero }

    let decoder: ValueDecoder
    public var sink: OutputSink
    /// The format id of the record being handled, while the sink receives its output: the
    /// session names the probe it came from.
    public private(set) var currentFormatID: Int?
    let environment: Environment

    public init(decoder: ValueDecoder, sink: OutputSink, environment: Environment) {
        self.decoder = decoder
        self.sink = sink
        self.environment = environment
    }

    public func handle(_ record: UnsafeRawBufferPointer) {
        guard record.count >= 8 else { return }
        let bytes = Array(record)
        let kind = word(bytes, 0)
        guard kind < UInt64(Int32.max), let call = environment.format(Int(kind)) else { return }
        currentFormatID = call.id
        defer { currentFormatID = nil }
        if case .exit = call.action {
            environment.exit(call.id, Int32(truncatingIfNeeded: word(bytes, 8)))
            return
        }
        var offset = 8
        var values: [Value] = []
        let numeric = numericConversions(call)
        for (index, type) in call.argumentTypes.enumerated() {
            // A named integer at `%d` is its number; at `%s` (and in print) its name.
            let shown: SType = if case .named = type, numeric.contains(index) { .s64 } else { type }
            values.append(decoder.decode(shown, bytes[min(offset, bytes.count)...]))
            offset += type.storageSize
        }
        switch call.action {
        case .printf(let format):
            sink.emit(.printf(formatted(format, values)))
        case .time(let format):
            sink.emit(.time(TimeFormatter.format(format) ?? ""))
        case .cat(let format):
            let path = formatted(format, values)
            if let text = try? String(contentsOfFile: path, encoding: .utf8) {
                sink.emit(.printf(text))
            } else {
                sink.emit(.printf("cat: cannot read \(path)\n"))
            }
        case .system(let format):
            sink.emit(.printf(runShell(formatted(format, values))))
        case .printValue:
            if let value = values.first { sink.emit(.value(value)) }
        case .printMap(let name, let top, let divisor):
            if let table = environment.mapAction(.print, name) {
                sink.emit(.map(table, PrintOptions(top: top, divisor: divisor)))
            }
        case .clearMap(let name):
            _ = environment.mapAction(.clear, name)
        case .zeroMap(let name):
            _ = environment.mapAction(.zero, name)
        case .join(let separator):
            guard case .tuple(let parts)? = values.first else { return }
            let words = parts.compactMap { part -> String? in
                if case .string(let s) = part, !s.isEmpty { return s }
                return nil
            }
            sink.emit(.printf(words.joined(separator: separator) + "\n"))
        case .exit:
            break
        }
    }

    /// The arguments of a format call that integer conversions (`%d`, `%x`, `%c`...) print,
    /// parsed once per call site.
    private var numericByCall: [Int: Set<Int>] = [:]

    private func numericConversions(_ call: FormatCall) -> Set<Int> {
        if let known = numericByCall[call.id] { return known }
        var numeric: Set<Int> = []
        if let text = call.action.printfFormat, let format = try? PrintfFormat.parse(text) {
            for (index, conversion) in format.conversions.enumerated() where conversion.kind != .string {
                numeric.insert(index)
            }
        }
        numericByCall[call.id] = numeric
        return numeric
    }

    private func formatted(_ format: String, _ values: [Value]) -> String {
        (try? PrintfFormatter.format(format, values)) ?? format
    }

    /// `system()`: only reachable when the program was compiled with --unsafe.
    private func runShell(_ command: String) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let pipe = Pipe()
        process.standardOutput = pipe
        guard (try? process.run()) != nil else { return "" }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
