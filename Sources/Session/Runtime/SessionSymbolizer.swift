import Codegen
import Symbols

/// Symbolizes stacks and addresses for the decoder: stack ids are read from the session's
/// stack map, frames named through kallsyms and the processes' ELF symbol tables. Each
/// unique (stack id) is symbolized once per snapshot.
public final class SessionSymbolizer: Symbolizing {
    /// Reads one stack (the stack map's value bytes) by id.
    let stack: (UInt32) -> [UInt8]?
    private var kernelCache: [Int64: [String]] = [:]
    private var userCache: [UserStackKey: [String]] = [:]

    private struct UserStackKey: Hashable {
        var id: Int64
        var caller: UInt64
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

    public func kernelStack(id: Int64, limit: Int) -> [String] {
        if let cached = kernelCache[id] { return Array(cached.prefix(limit)) }
        let names = frames(id: id).map { KernelSymbols.shared.symbolize($0) }
        kernelCache[id] = names
        return Array(names.prefix(limit))
    }

    public func userStack(id: Int64, pid: Int32, caller: UInt64, limit: Int) -> [String] {
        let key = UserStackKey(id: id, caller: caller)
        if let cached = userCache[key] { return Array(cached.prefix(limit)) }
        var addresses = frames(id: id)
        // The caller's return address is a call site: its symbol is the calling function.
        if caller != 0, !addresses.isEmpty { addresses.insert(caller, at: 1) }
        let facts = addresses.map { UserSymbolizer.shared.frameFacts($0, pid: pid) }
        let names = UserStackAudit.frames(facts, entryCallerInserted: caller != 0)
        userCache[key] = names
        return Array(names.prefix(limit))
    }

    public func kernelSymbol(_ address: UInt64) -> String { KernelSymbols.shared.ksym(address) }
    public func userSymbol(_ address: UInt64, pid: Int32) -> String { UserSymbolizer.shared.usym(address, pid: pid) }
}
