import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A user-space function that contains an address.
public struct UserSymbol: Hashable, Sendable {
    public var name: String
    public var offset: UInt64
    /// The file (or `[vdso]`, or the perf map) the symbol came from.
    public var module: String
}

/// Turns addresses of a process into `function+offset`, the way bpftrace prints ustack frames.
///
/// address → executable mapping of the process → file offset → the file's virtual address via
/// the PT_LOAD segment holding that offset → function. This one path covers fixed-address
/// programs, PIE programs and shared libraries alike, whatever their load bias.
///
/// Maps are read once per pid and kept, so stacks of a process that has exited since still
/// symbolize; an address outside every known mapping re-reads them (at most every
/// `refreshInterval`) to pick up libraries loaded later. Symbol tables come from `ElfCache`,
/// so each file is parsed once for all processes. A pid never seen alive gives hex addresses.
public final class UserSymbolizer: Sendable {
    public static let shared = UserSymbolizer()

    /// Demangle C++ names (bpftrace's default).
    public let demangle: Bool
    public let refreshInterval: Double
    private let cache: ElfCache
    private let processes = Mutex<[Int32: ProcessState]>([:])

    private struct ProcessState {
        var maps: ProcessMaps?
        var readAt: Double
        /// Resolved symbol source per mapping start; nil inside: tried and unavailable.
        var tables: [UInt64: ElfSymbolTable?] = [:]
        /// nil: not looked for yet; .some(nil): the process has no perf map.
        var perfMap: ElfSymbolTable??
    }

    public init(cache: ElfCache = .shared, demangle: Bool = true, refreshInterval: Double = 1.0) {
        self.cache = cache
        self.demangle = demangle
        self.refreshInterval = refreshInterval
    }

    /// A ustack frame: `name+offset` (decimal), or `0x…` when the address is unknown.
    public func symbolize(_ address: UInt64, pid: Int32) -> String {
        guard let symbol = resolve(address, pid: pid) else { return hexAddress(address) }
        return symbol.name + "+" + String(symbol.offset)
    }

    /// The name alone, like bpftrace's `usym()`, or `0x…` when unknown.
    public func usym(_ address: UInt64, pid: Int32) -> String {
        resolve(address, pid: pid)?.name ?? hexAddress(address)
    }

    /// Reads and keeps the maps of a live process now, so its addresses can be symbolized
    /// after it exits (call it when a probe starts tracing the pid).
    public func snapshot(pid: Int32) throws(SymbolError) {
        let maps = try ProcessMaps.read(pid: pid)
        processes.withLock { $0[pid] = ProcessState(maps: maps, readAt: monotonicSeconds()) }
    }

    /// Forgets a process (it exited and its pid may be reused).
    public func forget(pid: Int32) {
        processes.withLock { _ = $0.removeValue(forKey: pid) }
    }

    // MARK: - Mappings as the kernel reports them

    /// The exited processes whose mappings are kept, oldest first (bounded by `keptExited`).
    private let exitedOrder = Mutex<[Int32]>([])
    /// How many exited processes keep their mappings.
    public static let keptExited = 4096

    /// An executable mapping the process just made (a perf `mmap2` record): kept even after
    /// the process exits, so its stacks symbolize when the maps are read later.
    public func mapped(_ mapping: Mapping, pid: Int32) {
        processes.withLock { table in
            // Never read from /proc: an address these mappings miss is looked up there at once.
            var state = table[pid] ?? ProcessState(maps: nil, readAt: 0)
            var mappings = (state.maps?.mappings ?? []).filter { $0.end <= mapping.start || $0.start >= mapping.end }
            mappings.append(mapping)
            state.maps = ProcessMaps(mappings: mappings.sorted { $0.start < $1.start })
            state.tables[mapping.start] = nil
            table[pid] = state
        }
    }

    /// The process replaced its image (exec): the mappings it had are gone.
    public func executed(pid: Int32) {
        processes.withLock { $0[pid] = ProcessState(maps: ProcessMaps(mappings: []), readAt: 0) }
    }

    /// A new process starts with its parent's mappings (a pid reused starts afresh). A parent
    /// never seen is read from /proc while it runs.
    public func forked(pid: Int32, parent: Int32) {
        var inherited = processes.withLock { $0[parent]?.maps }
        if inherited == nil, let read = try? ProcessMaps.read(pid: parent) {
            inherited = read
            processes.withLock { $0[parent] = ProcessState(maps: read, readAt: monotonicSeconds()) }
        }
        processes.withLock { $0[pid] = ProcessState(maps: inherited ?? ProcessMaps(mappings: []), readAt: 0) }
    }

    /// The process exited: its mappings stay, up to the last `keptExited` processes.
    public func exited(pid: Int32) {
        let evicted: [Int32] = exitedOrder.withLock { order in
            order.append(pid)
            guard order.count > Self.keptExited else { return [] }
            let old = Array(order.prefix(order.count - Self.keptExited))
            order.removeFirst(old.count)
            return old
        }
        if !evicted.isEmpty { processes.withLock { table in for old in evicted { table.removeValue(forKey: old) } } }
    }

    /// Forgets every process (the file tables stay in `ElfCache`).
    public func forgetAll() {
        processes.withLock { $0.removeAll() }
    }

    public func resolve(_ address: UInt64, pid: Int32) -> UserSymbol? {
        guard pid > 0, address != 0 else { return nil }
        guard let mapping = mapping(containing: address, pid: pid) else {
            return perfMapSymbol(address, pid: pid)
        }
        if !mapping.isFileBacked && mapping.path != "[vdso]" {
            // Anonymous executable memory: JIT-compiled code, named only by a perf map.
            return perfMapSymbol(address, pid: pid)
        }
        guard let (table, virtualAddress) = locateInFile(address, in: mapping, pid: pid),
            let function = table.function(containing: virtualAddress)
        else { return nil }
        return UserSymbol(
            name: demangle ? Demangler.demangle(function.name) : function.name,
            offset: virtualAddress - function.value, module: table.path)
    }

    /// The file table and the file's own virtual address of a process address in a
    /// file-backed mapping (or the vDSO).
    func locateInFile(_ address: UInt64, in mapping: Mapping, pid: Int32) -> (ElfSymbolTable, UInt64)? {
        guard let table = table(for: mapping, pid: pid),
            let virtualAddress = table.virtualAddress(ofFileOffset: mapping.fileOffset(of: address))
        else { return nil }
        return (table, virtualAddress)
    }

    /// Where an address of a process lives: the mapped file's path as the process names it, the
    /// offset in that file, and the file's build id (for `ustack(perf)` and `ustack(build_id)`).
    public func location(_ address: UInt64, pid: Int32) -> (path: String, fileOffset: UInt64, buildID: String?)? {
        guard pid > 0, address != 0, let mapping = mapping(containing: address, pid: pid), let path = mapping.path
        else { return nil }
        let buildID = mapping.isFileBacked ? table(for: mapping, pid: pid)?.buildID : nil
        return (path, mapping.fileOffset(of: address), buildID)
    }

    /// `locateInFile` for an address of a process, when a file maps it.
    func locateInFile(_ address: UInt64, pid: Int32) -> (ElfSymbolTable, UInt64)? {
        guard pid > 0, address != 0, let mapping = mapping(containing: address, pid: pid),
            mapping.isFileBacked
        else { return nil }
        return locateInFile(address, in: mapping, pid: pid)
    }

    // MARK: - Maps

    private func mapping(containing address: UInt64, pid: Int32) -> Mapping? {
        let known = processes.withLock { $0[pid] }
        if let known {
            if let found = known.maps?.executableMapping(containing: address) { return found }
            if monotonicSeconds() - known.readAt < refreshInterval { return nil }
        }
        // Unknown pid, or an address in none of the known mappings and the maps are old.
        let now = monotonicSeconds()
        guard let fresh = try? ProcessMaps.read(pid: pid), !fresh.mappings.isEmpty else {
            // Gone: keep what we knew, and do not retry before the interval.
            processes.withLock { table in
                var state = table[pid] ?? ProcessState(maps: nil, readAt: now)
                state.readAt = now
                table[pid] = state
            }
            return known?.maps?.executableMapping(containing: address)
        }
        processes.withLock { table in
            var state = table[pid] ?? ProcessState(maps: nil, readAt: now)
            if state.maps != fresh {
                state.tables = [:]
                state.maps = fresh
            }
            state.readAt = now
            table[pid] = state
        }
        return fresh.executableMapping(containing: address)
    }

    // MARK: - Symbol tables

    private func table(for mapping: Mapping, pid: Int32) -> ElfSymbolTable? {
        if let cached = processes.withLock({ $0[pid]?.tables[mapping.start] }) { return cached }
        let table: ElfSymbolTable?
        if mapping.path == "[vdso]" {
            table = VDSO.table
        } else {
            table = openFile(for: mapping, pid: pid).flatMap { try? cache.table(for: $0) }
        }
        processes.withLock { $0[pid]?.tables[mapping.start] = .some(table) }
        return table
    }

    /// A path through which the mapped file itself (same inode) can be read: inside the
    /// process's mount namespace first, then our own view, then the kernel's handle to the
    /// mapping (which also reaches deleted files, for root).
    private func openFile(for mapping: Mapping, pid: Int32) -> String? {
        guard let path = mapping.path else { return nil }
        let candidates = [
            "/proc/\(pid)/root\(path)", path,
            "/proc/\(pid)/map_files/\(String(mapping.start, radix: 16))-\(String(mapping.end, radix: 16))",
        ]
        for candidate in candidates {
            if let info = FileIO.status(candidate), UInt64(info.st_ino) == mapping.inode,
                (info.st_mode & S_IFMT) == S_IFREG
            {
                return candidate
            }
        }
        return nil
    }

    private func perfMapSymbol(_ address: UInt64, pid: Int32) -> UserSymbol? {
        let cached = processes.withLock { $0[pid]?.perfMap }
        let map: ElfSymbolTable?
        if let cached {
            map = cached
        } else {
            map = PerfMap.load(pid: pid)
            processes.withLock { $0[pid]?.perfMap = .some(map) }
        }
        guard let map, let function = map.function(containing: address) else { return nil }
        return UserSymbol(name: function.name, offset: address - function.value, module: map.path)
    }
}

func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}
