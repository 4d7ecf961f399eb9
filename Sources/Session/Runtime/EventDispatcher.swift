import Codegen
import Foundation
import Language
import Tables

/// Turns ring-buffer records into output: printf text, printed maps and values, times,
/// file contents (`cat`), commands (`system`), and the exit request.
public final class EventDispatcher {
    let program: CheckedProgram
    let decoder: ValueDecoder
    let format: OutputFormat
    let write: (String) -> Void
    /// Reads a map as a table for `print(@m)`, and clears or zeroes it.
    let mapAction: (_ action: String, _ name: String) -> MapTable?
    public private(set) var exitRequested = false
    public private(set) var exitCode: Int32 = 0

    public init(program: CheckedProgram, decoder: ValueDecoder, format: OutputFormat,
                write: @escaping (String) -> Void, mapAction: @escaping (String, String) -> MapTable?) {
        self.program = program
        self.decoder = decoder
        self.format = format
        self.write = write
        self.mapAction = mapAction
    }

    public func handle(_ record: UnsafeRawBufferPointer) {
        guard record.count >= 8 else { return }
        let bytes = Array(record)
        let kind = word(bytes, 0)
        if kind == EventKind.exit {
            exitRequested = true
            exitCode = Int32(truncatingIfNeeded: word(bytes, 8))
            return
        }
        guard kind < UInt64(program.formats.count) else { return }
        let call = program.formats[Int(kind)]
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
            let command = formatted(call, values)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", command]
            let pipe = Pipe()
            process.standardOutput = pipe
            if (try? process.run()) != nil {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                write(format.printf(String(decoding: data, as: UTF8.self)))
            }
        case .print:
            if call.format.hasPrefix("clear:") || call.format.hasPrefix("zero:") {
                let parts = call.format.split(separator: ":", maxSplits: 1)
                _ = mapAction(String(parts[0]), String(parts[1]))
            } else if call.format.hasPrefix("join:"), case .tuple(let parts)? = values.first {
                let separator = String(call.format.dropFirst("join:".count))
                let words = parts.compactMap { part -> String? in
                    if case .string(let s) = part, !s.isEmpty { return s }
                    return nil
                }
                write(format.printf(words.joined(separator: separator) + "\n"))
            } else if call.format.hasPrefix("@") {
                let parts = call.format.split(separator: "|")
                let options = PrintOptions(top: parts.count > 1 ? Int(parts[1]) ?? 0 : 0, divisor: parts.count > 2 ? Int(parts[2]) ?? 1 : 1)
                if let table = mapAction("print", String(parts[0])) { write(format.map(table, options: options)) }
            } else if let value = values.first {
                write(format.value(value))
            }
        }
    }

    private func formatted(_ call: FormatCall, _ values: [Value]) -> String {
        (try? PrintfFormatter.format(call.format, values)) ?? call.format
    }
}
