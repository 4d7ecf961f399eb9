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
    public var format: OutputFormat
    public var write: (String) -> Void
    let environment: Environment

    public init(
        decoder: ValueDecoder, format: OutputFormat, write: @escaping (String) -> Void, environment: Environment
    ) {
        self.decoder = decoder
        self.format = format
        self.write = write
        self.environment = environment
    }

    public func handle(_ record: UnsafeRawBufferPointer) {
        guard record.count >= 8 else { return }
        let bytes = Array(record)
        let kind = word(bytes, 0)
        guard kind < UInt64(Int32.max), let call = environment.format(Int(kind)) else { return }
        if call.kind == .exit {
            environment.exit(call.id, Int32(truncatingIfNeeded: word(bytes, 8)))
            return
        }
        var offset = 8
        var values: [Value] = []
        for type in call.argumentTypes {
            values.append(decoder.decode(type, bytes[min(offset, bytes.count)...]))
            offset += type.storageSize
        }
        switch call.kind {
        case .printf:
            write(format.printf(formatted(call, values)))
        case .time:
            write(format.time(TimeFormatter.format(call.format) ?? ""))
        case .cat:
            let path = formatted(call, values)
            if let text = try? String(contentsOfFile: path, encoding: .utf8) {
                write(format.printf(text))
            } else {
                write(format.printf("cat: cannot read \(path)\n"))
            }
        case .system:
            write(format.printf(runShell(formatted(call, values))))
        case .print:
            print(call, values)
        case .exit:
            break
        }
    }

    private func print(_ call: FormatCall, _ values: [Value]) {
        if call.format.hasPrefix("clear:") {
            _ = environment.mapAction(.clear, String(call.format.dropFirst("clear:".count)))
        } else if call.format.hasPrefix("zero:") {
            _ = environment.mapAction(.zero, String(call.format.dropFirst("zero:".count)))
        } else if call.format.hasPrefix("join:"), case .tuple(let parts)? = values.first {
            let separator = String(call.format.dropFirst("join:".count))
            let words = parts.compactMap { part -> String? in
                if case .string(let s) = part, !s.isEmpty { return s }
                return nil
            }
            write(format.printf(words.joined(separator: separator) + "\n"))
        } else if call.format.hasPrefix("@") {
            let parts = call.format.split(separator: "|")
            let options = PrintOptions(
                top: parts.count > 1 ? Int(parts[1]) ?? 0 : 0, divisor: parts.count > 2 ? Int(parts[2]) ?? 1 : 1)
            if let table = environment.mapAction(.print, String(parts[0])) {
                write(format.map(table, options: options))
            }
        } else if let value = values.first {
            write(format.value(value))
        }
    }

    private func formatted(_ call: FormatCall, _ values: [Value]) -> String {
        (try? PrintfFormatter.format(call.format, values)) ?? call.format
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
