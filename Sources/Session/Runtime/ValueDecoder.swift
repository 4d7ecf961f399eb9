import Foundation
import Language
import Tables

/// Decodes bytes laid out by the code generator (see `SType.storageSize`) into table values.
///
/// Stacks and symbolized addresses are turned into text through the `Symbolizer` given, so
/// the decoder itself stays a pure function of bytes, types and symbol tables.
public struct ValueDecoder {
    public let symbolizer: Symbolizing

    public init(symbolizer: Symbolizing) { self.symbolizer = symbolizer }

    public func decode(_ type: SType, _ bytes: ArraySlice<UInt8>) -> Value {
        let base = bytes.startIndex
        func word(_ at: Int) -> UInt64 {
            var value: UInt64 = 0
            for i in 0..<8 where base + at + i < bytes.endIndex {
                value |= UInt64(bytes[base + at + i]) << (8 * UInt64(i))
            }
            return value
        }
        switch type {
        case .int(let size, let signed):
            let raw = word(0)
            if signed {
                let shift = UInt64(64 - 8 * min(8, size))
                return .int(Int64(bitPattern: raw << shift) >> Int64(shift))
            }
            return .uint(size >= 8 ? raw : raw & ((1 << UInt64(8 * size)) - 1))
        case .pointer:
            return .pointer(word(0))
        case .string(let size):
            let slice = bytes.prefix(size)
            let end = slice.firstIndex(of: 0) ?? slice.endIndex
            return .string(String(decoding: slice[slice.startIndex..<end], as: UTF8.self))
        case .kstack(let limit, let mode):
            return .stack(symbolizer.kernelStack(id: Int64(bitPattern: word(0)), limit: limit, mode: mode))
        case .ustack(let limit, let mode):
            return .stack(
                symbolizer.userStack(
                    id: Int64(bitPattern: word(0)), pid: Int32(truncatingIfNeeded: word(8)), caller: word(16),
                    limit: limit, mode: mode))
        case .ksym:
            return .symbol(symbolizer.kernelSymbol(word(0)))
        case .usym:
            return .symbol(symbolizer.userSymbol(word(0), pid: Int32(truncatingIfNeeded: word(8))))
        case .inet:
            return .symbol(InetFormatter.format(family: word(0), bytes: Array(bytes.dropFirst(8).prefix(16))))
        case .tuple(let parts):
            var offset = 0
            var values: [Value] = []
            for part in parts {
                values.append(decode(part, bytes.dropFirst(offset)))
                offset += part.storageSize
            }
            return .tuple(values)
        case .array(let element, let count):
            let stride = element.packedSize
            return .array((0..<count).map { decode(element, bytes.dropFirst($0 * stride).prefix(stride)) })
        case .record(let names, let parts):
            guard case .tuple(let values) = decode(.tuple(parts), bytes) else { return .none }
            return .record(names: names, values: values)
        case .structure(let type):
            return .record(names: type.fields.map(\.name), values: type.fields.map { decode($0, of: bytes) })
        case .bool:
            return .symbol(word(0) != 0 ? "true" : "false")
        case .enumeration(let type):
            let value = Int64(bitPattern: word(0))
            return .enumValue(value, name: type.names[value])
        case .timestamp(let format):
            let wallClock = Int64(bitPattern: word(0)) &+ BootClock.wallClockOffset
            return .symbol(TimeFormatter.format(format, nanosecondsSinceEpoch: wallClock) ?? "")
        case .buffer(let size):
            return .bytes(Array(bytes.dropFirst(8).prefix(Int(min(word(0), UInt64(size))))))
        case .named(let kind):
            return .symbol(NamedIntegerText.text(kind, word(0)))
        case .void, .context, .aggregation:
            return .none
        }
    }

    /// One member of a struct's bytes, from its offset and no further than its own size.
    private func decode(_ field: CStructType.Field, of bytes: ArraySlice<UInt8>) -> Value {
        let start = bytes.startIndex + min(field.offset, bytes.count)
        if let bitfield = field.bitfield, case .int(_, let signed) = field.type {
            var word: UInt64 = 0
            for i in 0..<bitfield.bytes where start + i < bytes.endIndex {
                word |= UInt64(bytes[start + i]) << (8 * UInt64(i))
            }
            let unused = UInt64(64 - bitfield.width)
            let top = word << (unused - UInt64(bitfield.shift))
            return signed ? .int(Int64(bitPattern: top) >> Int64(unused)) : .uint(top >> unused)
        }
        let size: Int
        switch field.type {
        case .int(let width, _): size = width
        case .bool: size = 1
        case .pointer: size = 8
        default: size = field.type.packedSize
        }
        return decode(field.type, bytes[start..<min(bytes.endIndex, start + size)])
    }
}

/// What the decoder needs to turn addresses into names; the session provides one backed by
/// kallsyms and ELF symbol tables, tests provide a fake.
public protocol Symbolizing {
    func kernelStack(id: Int64, limit: Int, mode: StackMode) -> [String]
    /// `caller`, when not 0, is the return address read at a function-entry uprobe: the frame
    /// the frame-pointer walk misses, inserted after the first.
    func userStack(id: Int64, pid: Int32, caller: UInt64, limit: Int, mode: StackMode) -> [String]
    func kernelSymbol(_ address: UInt64) -> String
    func userSymbol(_ address: UInt64, pid: Int32) -> String
}

enum InetFormatter {
    static func format(family: UInt64, bytes: [UInt8]) -> String {
        if family == 10, bytes.count >= 16 {
            // inet_ntop's text: the longest run of zero groups as `::`, IPv4-mapped tails dotted.
            var address = Array(bytes.prefix(16))
            var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            if inet_ntop(AF_INET6, &address, &text, socklen_t(text.count)) != nil {
                return String(cString: text)
            }
            var groups: [String] = []
            for i in stride(from: 0, to: 16, by: 2) {
                groups.append(String(UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1]), radix: 16))
            }
            return groups.joined(separator: ":")
        }
        guard bytes.count >= 4 else { return "" }
        return bytes.prefix(4).map(String.init).joined(separator: ".")
    }
}

/// How far the wall clock is ahead of the boot clock (`nsecs`), measured once per process so
/// that every timestamp of a run converts alike (differences between them stay exact).
enum BootClock {
    static let wallClockOffset: Int64 = {
        func read(_ clock: clockid_t) -> Int64 {
            var spec = timespec()
            clock_gettime(clock, &spec)
            return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
        }
        let before = read(CLOCK_BOOTTIME)
        let wall = read(CLOCK_REALTIME)
        let after = read(CLOCK_BOOTTIME)
        return wall - (before + (after - before) / 2)
    }()
}
