import Synchronization

/// Kernel address symbolization from /proc/kallsyms, loaded once per process on first use.
///
/// Reading kallsyms costs ~30 ms of kernel time on its own, so the table is cached for the
/// life of the process (as bpftrace does); `reload()` re-reads it when modules or BPF
/// programs (`[bpf]` symbols) were loaded since. Lookups never fail: an address that cannot
/// be resolved, or a kallsyms that cannot be read, gives the hex address.
public final class KernelSymbols: Sendable {
    /// The process-wide instance over /proc/kallsyms.
    public static let shared = KernelSymbols()

    public let path: String
    private let cached = Mutex<Result<KallsymsTable, SymbolError>?>(nil)

    public init(path: String = "/proc/kallsyms") {
        self.path = path
    }

    /// The parsed table, read on the first call; later calls return the same table, or the
    /// same error (kallsyms does not become readable later in a process's life).
    public func table() throws(SymbolError) -> KallsymsTable {
        try cached.withLock { (state) throws(SymbolError) -> KallsymsTable in
            if let state { return try state.get() }
            let loaded = KernelSymbols.read(path)
            state = loaded
            return try loaded.get()
        }
    }

    /// Reads the file again and replaces the cached table.
    @discardableResult
    public func reload() throws(SymbolError) -> KallsymsTable {
        let loaded = KernelSymbols.read(path)
        cached.withLock { $0 = loaded }
        return try loaded.get()
    }

    private static func read(_ path: String) -> Result<KallsymsTable, SymbolError> {
        do {
            let table = KallsymsTable(parsing: try FileIO.readAll(path))
            if table.addressesHidden { return .failure(.kernelAddressesHidden(path: path)) }
            return .success(table)
        } catch {
            return .failure(error)
        }
    }

    /// The symbol containing `address`, or nil (unknown address, unreadable kallsyms).
    public func resolve(_ address: UInt64) -> KernelSymbol? {
        (try? table())?.resolve(address)
    }

    /// A kstack frame as bpftrace prints it: `name+offset` (decimal offset, `+0` included),
    /// or `0x…` for an address no symbol covers.
    public func symbolize(_ address: UInt64) -> String {
        guard let symbol = resolve(address) else { return hexAddress(address) }
        return symbol.name + "+" + String(symbol.offset)
    }

    /// The symbol name alone, as bpftrace's `ksym()` gives it, or `0x…` when unknown.
    public func ksym(_ address: UInt64) -> String {
        resolve(address)?.name ?? hexAddress(address)
    }

    /// The address of a kernel symbol by name (bpftrace's `kaddr()`), data symbols included.
    public func address(of name: String) -> UInt64? {
        (try? table())?.address(of: name)
    }
}
