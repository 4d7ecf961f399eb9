import Codegen
import Language
import Symbols

/// Symbolizes stacks and addresses for the decoder: stack ids are read from the session's
/// stack map, frames named through kallsyms and the processes' ELF symbol tables, in the
/// stack's mode (bpftrace's `bpftrace`, `perf`, `raw`, `build_id`). Each unique (stack id,
/// mode) is symbolized once per snapshot.
public final class SessionSymbolizer: Symbolizing {
    /// Reads one stack (the stack map's value bytes) by id.
    let stack: (UInt32) -> [UInt8]?
    private var kernelCache: [KernelStackKey: [String]] = [:]
    private var userCache: [UserStackKey: [String]] = [:]

    private struct KernelStackKey: Hashable {
        var id: Int64
        var mode: StackMode
    }

    private struct UserStackKey: Hashable {
        var id: Int64
        var pid: Int32
        var caller: UInt64
        var mode: StackMode
    }

    public init(stack: @escaping (UInt32) -> [UInt8]?) { self.stack = stack }

    /// Forgets symbolized stacks: stack ids are reused once the map is cleared.
    public func reset() {
        kernelCache = [:]
        userCache = [:]
    }

    private func frames(id: Int64) -> [UInt64] {
        guard id >= 0, let value = stack(UInt32(truncatingIfNeeded: id)) else { return [] }
        var addresses: [UInt64] = []
        for index in stride(from: 0, to: value.count - 7, by: 8) {
            let address = word(value, index)
            if address == 0 { break }
            addresses.append(address)
        }
        return addresses
    }

    /// An address as bpftrace's raw and perf modes print it: hex digits without `0x`.
    static func hex(_ address: UInt64) -> String { String(address, radix: 16) }

    public func kernelStack(id: Int64, limit: Int, mode: StackMode) -> [String] {
        let key = KernelStackKey(id: id, mode: mode)
        if let cached = kernelCache[key] { return Array(cached.prefix(limit)) }
        let addresses = frames(id: id)
        let names: [String]
        switch mode {
        case .bpftrace: names = addresses.map { KernelSymbols.shared.symbolize($0) }
        case .perf:
            names = addresses.map { Self.hex($0) + " " + KernelSymbols.shared.symbolize($0) + " ([kernel.kallsyms])" }
        case .raw, .buildID: names = addresses.map(Self.hex)
        }
        kernelCache[key] = names
        return Array(names.prefix(limit))
    }

    public func userStack(id: Int64, pid: Int32, caller: UInt64, limit: Int, mode: StackMode) -> [String] {
        let key = UserStackKey(id: id, pid: pid, caller: caller, mode: mode)
        if let cached = userCache[key] { return Array(cached.prefix(limit)) }
        var addresses = frames(id: id)
        // The caller's return address is a call site: its symbol is the calling function.
        if caller != 0, !addresses.isEmpty { addresses.insert(caller, at: 1) }
        let symbols = UserSymbolizer.shared
        let names: [String]
        switch mode {
        case .raw: names = addresses.map(Self.hex)
        case .buildID:
            names = addresses.map { address in
                guard let place = symbols.location(address, pid: pid), let buildID = place.buildID else {
                    return Self.hex(address)
                }
                return buildID + " 0x" + Self.hex(place.fileOffset)
            }
        case .bpftrace, .perf:
            var facts = addresses.map { symbols.frameFacts($0, pid: pid) }
            if mode == .perf {
                for index in facts.indices {
                    let module = symbols.location(facts[index].address, pid: pid)?.path ?? "[unknown]"
                    facts[index].text = Self.hex(facts[index].address) + " " + facts[index].text + " (\(module))"
                }
            }
            names = UserStackAudit.frames(facts, entryCallerInserted: caller != 0)
        }
        userCache[key] = names
        return Array(names.prefix(limit))
    }

    public func kernelSymbol(_ address: UInt64) -> String { KernelSymbols.shared.ksym(address) }
    public func userSymbol(_ address: UInt64, pid: Int32) -> String { UserSymbolizer.shared.usym(address, pid: pid) }
}
