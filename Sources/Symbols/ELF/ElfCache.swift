import Synchronization

/// Process-wide cache of parsed ELF symbol tables, keyed by file identity.
///
/// The key is (device, inode, size, mtime) rather than the path: the same library reached as
/// /lib/…, /usr/lib/… or /proc/PID/root/… is parsed once, and a file replaced under the same
/// path (an upgrade while a process still maps the old one) is never confused with it. Tables
/// are built outside the lock, so a slow parse does not stall lookups of other files.
public final class ElfCache: Sendable {
    public static let shared = ElfCache()

    private let tables = Mutex<[FileIdentity: ElfSymbolTable]>([:])

    public init() {}

    /// The table of the file at `path`, parsed on first use.
    public func table(for path: String) throws(SymbolError) -> ElfSymbolTable {
        let identity = try FileIdentity.of(path)
        if let cached = tables.withLock({ $0[identity] }) { return cached }
        let table = try ElfSymbolTable(path: path)
        return tables.withLock { tables in
            if let raced = tables[identity] { return raced }
            tables[identity] = table
            return table
        }
    }

    public var count: Int { tables.withLock { $0.count } }

    /// Drops every cached table (memory pressure, or tests).
    public func removeAll() {
        tables.withLock { $0.removeAll() }
    }
}

extension ElfSymbolTable {
    /// The cached table of the file at `path` (see `ElfCache`).
    public static func load(path: String) throws(SymbolError) -> ElfSymbolTable {
        try ElfCache.shared.table(for: path)
    }

    /// Function names in an ELF file matching a glob with `*` and `?`, sorted: the expansion
    /// of a uprobe like `uprobe:/bin/bash:read*`.
    public static func functions(in path: String, matching glob: String) throws(SymbolError) -> [String] {
        try load(path: path).functionNames(matching: glob)
    }
}
