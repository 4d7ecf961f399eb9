/// A kernel symbol that contains an address.
public struct KernelSymbol: Hashable, Sendable {
    public var name: String
    /// Where the symbol starts.
    public var address: UInt64
    /// How far the looked-up address is past `address`.
    public var offset: UInt64
    /// The module the symbol belongs to (`ext4`, `bpf` for JIT-ed programs), nil for vmlinux.
    public var module: String?
    /// The kallsyms type letter (`T`, `t`, `W`, `D`, ...).
    public var type: Character
}

/// The parsed text of /proc/kallsyms: immutable once built from bytes (tests feed it
/// synthetic text). A class so that handing it out costs one reference count, not five.
///
/// Parsing works on the raw bytes and keeps names as offsets into them: ~120k lines parse in
/// a few milliseconds instead of the tens spent creating one String per line, and names are
/// only materialized for the addresses actually looked up.
public final class KallsymsTable: Sendable {
    struct Entry {
        var address: UInt64
        var nameStart: UInt32
        var nameLength: UInt16
        var type: UInt8
        var moduleLength: UInt8
        var moduleStart: UInt32
    }

    private let text: [UInt8]
    /// Every line, in file order (the order `kaddr` resolves duplicates in).
    private let entries: [Entry]
    /// Code symbols (no data types, no zero addresses) sorted by address, as parallel arrays
    /// so the binary search touches only 8-byte keys.
    private let sortedAddresses: [UInt64]
    private let sortedEntryIndexes: [UInt32]

    /// Number of lines parsed.
    public var count: Int { entries.count }
    /// Number of symbols that `resolve` can return.
    public var codeSymbolCount: Int { sortedAddresses.count }
    /// True when there are lines but every address is zero: kallsyms is readable but the
    /// kernel hides addresses from this reader.
    public let addressesHidden: Bool

    /// Parses kallsyms text (`ffffffff81000000 T _text` or `... t name\t[module]` lines).
    /// Malformed lines are skipped; nothing here fails.
    public init(parsing bytes: [UInt8]) {
        text = bytes
        var entries: [Entry] = []
        entries.reserveCapacity(bytes.count / 36)
        var sawNonZero = false
        bytes.withUnsafeBufferPointer { buffer in
            var index = 0
            while index < buffer.count {
                // One forward pass per line: the parser stops after the name (or the module),
                // so only the few bytes up to the newline are scanned twice.
                let (entry, lineEnd) = KallsymsTable.parseLine(buffer, from: index)
                if let entry {
                    if entry.address != 0 { sawNonZero = true }
                    entries.append(entry)
                }
                index = lineEnd + 1
            }
        }
        self.entries = entries
        addressesHidden = !entries.isEmpty && !sawNonZero

        // Data symbols are left out of address lookup the way bcc (and so bpftrace) does:
        // a stack frame is always code, and a data symbol sharing an address would hide it.
        var keyed: [(address: UInt64, index: UInt32)] = []
        keyed.reserveCapacity(entries.count)
        for (i, entry) in entries.enumerated() where entry.address != 0 && KallsymsTable.isCode(entry.type) {
            keyed.append((entry.address, UInt32(i)))
        }
        // Stable on ties: of several names at one address, the last one in file order wins,
        // which is what an upper-bound search over bcc's sorted table returns.
        // kallsyms is already in address order on current kernels: check before sorting.
        var ordered = true
        for i in keyed.indices.dropFirst() where keyed[i - 1].address > keyed[i].address {
            ordered = false
            break
        }
        if !ordered {
            keyed.sort { $0.address != $1.address ? $0.address < $1.address : $0.index < $1.index }
        }
        sortedAddresses = keyed.map(\.address)
        sortedEntryIndexes = keyed.map(\.index)
    }

    private static func isCode(_ type: UInt8) -> Bool {
        switch type {
        case UInt8(ascii: "b"), UInt8(ascii: "B"), UInt8(ascii: "d"), UInt8(ascii: "D"),
            UInt8(ascii: "r"), UInt8(ascii: "R"):
            return false
        default:
            return true
        }
    }

    /// Hex digit values, 0xFF for anything else.
    private static let hexDigits: [UInt8] = (0...255).map { byte -> UInt8 in
        switch byte {
        case 0x30...0x39: return UInt8(byte - 0x30)
        case 0x61...0x66: return UInt8(byte - 0x61 + 10)
        case 0x41...0x46: return UInt8(byte - 0x41 + 10)
        default: return 0xFF
        }
    }

    /// Parses the line starting at `start`; returns its entry (nil if malformed) and the
    /// index of its newline (or the end of the buffer).
    private static func parseLine(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int) -> (Entry?, Int) {
        let end = buffer.count
        func lineEnd(_ from: Int) -> Int {
            var index = from
            while index < end && buffer[index] != 0x0A { index += 1 }
            return index
        }
        var index = start
        var address: UInt64 = 0
        hexDigits.withUnsafeBufferPointer { digits in
            while index < end && index - start < 17 {
                let value = digits[Int(buffer[index])]
                if value == 0xFF { break }
                address = address &<< 4 | UInt64(value)
                index += 1
            }
        }
        let digitCount = index - start
        guard digitCount > 0, digitCount <= 16, index + 3 < end, buffer[index] == 0x20, buffer[index + 2] == 0x20,
            buffer[index + 1] != 0x0A
        else {
            return (nil, lineEnd(index))
        }
        let type = buffer[index + 1]
        let nameStart = index + 3
        var nameEnd = nameStart
        while nameEnd < end {
            let byte = buffer[nameEnd]
            if byte == 0x0A || byte == 0x09 || byte == 0x20 { break }
            nameEnd += 1
        }
        guard nameEnd > nameStart, nameEnd - nameStart <= Int(UInt16.max), nameEnd <= Int(UInt32.max) else {
            return (nil, lineEnd(nameEnd))
        }
        var moduleStart = 0
        var moduleLength = 0
        var cursor = nameEnd
        while cursor < end && (buffer[cursor] == 0x09 || buffer[cursor] == 0x20) { cursor += 1 }
        if cursor < end && buffer[cursor] == UInt8(ascii: "[") {
            var close = cursor + 1
            while close < end && buffer[close] != UInt8(ascii: "]") && buffer[close] != 0x0A { close += 1 }
            if close < end && buffer[close] == UInt8(ascii: "]") && close - cursor - 1 <= Int(UInt8.max) {
                moduleStart = cursor + 1
                moduleLength = close - cursor - 1
                cursor = close
            }
        }
        let entry = Entry(
            address: address, nameStart: UInt32(nameStart), nameLength: UInt16(nameEnd - nameStart),
            type: type, moduleLength: UInt8(moduleLength), moduleStart: UInt32(moduleStart))
        return (entry, lineEnd(cursor))
    }

    private func string(_ start: UInt32, _ length: Int) -> String {
        text.withUnsafeBufferPointer { buffer in
            String(decoding: UnsafeBufferPointer(rebasing: buffer[Int(start)..<Int(start) + length]), as: UTF8.self)
        }
    }

    private func symbol(_ entry: Entry, offset: UInt64) -> KernelSymbol {
        KernelSymbol(
            name: string(entry.nameStart, Int(entry.nameLength)),
            address: entry.address,
            offset: offset,
            module: entry.moduleLength == 0 ? nil : string(entry.moduleStart, Int(entry.moduleLength)),
            type: Character(Unicode.Scalar(entry.type)))
    }

    /// The code symbol at or below `address`, or nil below the first one.
    ///
    /// Like bcc, there is no upper limit: kallsyms carries no sizes, so an address past the
    /// last symbol still resolves to it.
    public func resolve(_ address: UInt64) -> KernelSymbol? {
        // Upper bound: first index whose address is greater than the one looked up.
        var low = 0
        var high = sortedAddresses.count
        sortedAddresses.withUnsafeBufferPointer { keys in
            while low < high {
                let middle = (low + high) >> 1
                if keys[middle] <= address { low = middle + 1 } else { high = middle }
            }
        }
        guard low > 0 else { return nil }
        let entry = entries[Int(sortedEntryIndexes[low - 1])]
        return symbol(entry, offset: address - entry.address)
    }

    /// The address of the first symbol with this name, in file order and of any type (data
    /// included), like bpftrace's `kaddr()`.
    public func address(of name: String) -> UInt64? {
        address(of: name, module: nil)
    }

    /// The address of `name`, restricted to one module when `module` is given (nil: any).
    public func address(of name: String, module: String?) -> UInt64? {
        let wanted = Array(name.utf8)
        let wantedModule = module.map { Array($0.utf8) }
        return text.withUnsafeBufferPointer { buffer -> UInt64? in
            for entry in entries where Int(entry.nameLength) == wanted.count {
                guard bytesEqual(buffer, Int(entry.nameStart), wanted) else { continue }
                if let wantedModule {
                    guard Int(entry.moduleLength) == wantedModule.count,
                        bytesEqual(buffer, Int(entry.moduleStart), wantedModule)
                    else { continue }
                }
                return entry.address
            }
            return nil
        }
    }

    /// Every name in file order; materializes all strings, so meant for completion lists and
    /// wildcard expansion, not hot paths.
    public func names(where include: (Character) -> Bool = { _ in true }) -> [String] {
        entries.compactMap {
            include(Character(Unicode.Scalar($0.type))) ? string($0.nameStart, Int($0.nameLength)) : nil
        }
    }
}

@inline(__always)
private func bytesEqual(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ key: [UInt8]) -> Bool {
    guard start + key.count <= buffer.count else { return false }
    for offset in 0..<key.count where buffer[start + offset] != key[offset] { return false }
    return true
}
