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
    /// Places whose once-only warning (division by zero) was printed.
    var warnedPlaces: Set<String> = []
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
        if case .assertFailed(let message, let place, let expandedFrom) = call.action {
            sink.emit(.report("\(place): ERROR: assert failed: \(message)\n" + (expandedFrom ?? ""), isWarning: false))
            environment.exit(call.id, 1)
            return
        }
        var offset = 8
        var values: [Value] = []
        let formats: Bool
        switch call.action {
        case .printf, .report: formats = true
        default: formats = false
        }
        for type in call.argumentTypes {
            // A bool is 1 or 0 to printf's %d, as in bpftrace (print() shows true/false).
            let decoded = formats && type == .bool ? SType.u64 : type
            values.append(decoder.decode(decoded, bytes[min(offset, bytes.count)...]))
            offset += type.storageSize
        }
        switch call.action {
        case .printf(let format):
            sink.emit(.printf(formatted(format, values)))
        case .report(let format, let place, let isError, let expandedFrom):
            var text = formatted(format, values)
            if !text.hasSuffix("\n") { text += "\n" }
            sink.emit(
                .report("\(place): \(isError ? "ERROR" : "WARNING"): " + text + (expandedFrom ?? ""), isWarning: !isError))
        case .divideByZero(let place):
            guard !warnedPlaces.contains(place) else { return }
            warnedPlaces.insert(place)
            sink.emit(
                .report(
                    "\(place): WARNING: Divide or modulo by 0 detected. This can lead to unexpected results. "
                        + "1 is being used as the result.\n", isWarning: true))
        case .arrayOutOfBounds(let place):
            guard !warnedPlaces.contains(place) else { return }
            warnedPlaces.insert(place)
            sink.emit(
                .report(
                    "\(place): WARNING: Array access out of bounds. This can lead to unexpected results.\n",
                    isWarning: true))
        case .probeReadError(let place, let excerpt):
            func integer(_ index: Int) -> Int64 {
                guard index < values.count else { return 0 }
                switch values[index] {
                case .int(let n): return n
                case .uint(let n): return Int64(bitPattern: n)
                default: return 0
                }
            }
            let code = integer(0)
            let helper = Self.readHelperNames[integer(1)] ?? "probe_read"
            let message = String(cString: strerror(Int32(-code)))
            // `stdin:1:41-44`: the file, line and first column.
            let fields = place.split(separator: ":").map(String.init)
            let line = fields.count >= 3 ? Int(fields[fields.count - 2]) ?? 0 : 0
            let column = fields.last.flatMap { Int($0.prefix { $0 != "-" }) } ?? 0
            sink.emit(
                .helperError(
                    text: "\(place): WARNING: Failed to \(helper): \(message) (\(code))\n" + excerpt, message: message,
                    helper: helper, code: code, file: fields.dropLast(2).joined(separator: ":"), line: line,
                    column: column))
        case .time(let format):
            sink.emit(.time(TimeFormatter.format(format) ?? ""))
        case .cat(let format):
            let path = formatted(format, values)
            if let text = try? String(contentsOfFile: path, encoding: .utf8) {
                sink.emit(.printf(text))
            } else {
                // bpftrace's words, with the system's reason (errno of the failed open).
                let reason = open(path, O_RDONLY)
                let message = reason < 0 ? String(cString: strerror(errno)) : "cannot read it"
                if reason >= 0 { close(reason) }
                sink.emit(.report("ERROR: failed to open file '\(path)' (\(message))\n", isWarning: false))
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
        case .exit, .assertFailed:
            break
        }
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

    /// The probe-read helpers `-k` reports, by number, under bpftrace's names.
    static let readHelperNames: [Int64: String] = [
        4: "probe_read", 45: "probe_read_str", 112: "probe_read_user", 113: "probe_read_kernel",
        114: "probe_read_user_str", 115: "probe_read_kernel_str",
    ]
}
