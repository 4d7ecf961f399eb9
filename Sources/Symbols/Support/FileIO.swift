#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Small POSIX file helpers, kept here so the parsers stay free of I/O and Foundation.
enum FileIO {
    /// Reads a whole file, including /proc files whose `st_size` is 0.
    ///
    /// Reads in large chunks because seq_file-backed /proc files (kallsyms, maps) fill as
    /// much of the user buffer as they can per call: fewer syscalls, less time in the kernel.
    static func readAll(_ path: String, chunk: Int = 1 << 20) throws(SymbolError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw .cannotRead(path: path, errno: errno) }
        defer { close(fd) }
        var info = stat()
        let sizeHint = fstat(fd, &info) == 0 && info.st_size > 0 ? Int(info.st_size) : 0
        var bytes = [UInt8]()
        bytes.reserveCapacity(sizeHint > 0 ? sizeHint + 1 : chunk)
        var buffer = [UInt8](repeating: 0, count: sizeHint > 0 ? min(max(sizeHint, 4096), chunk * 16) : chunk)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .cannotRead(path: path, errno: errno)
            }
            if count == 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return bytes
    }

    /// `stat(2)` of a path (following symlinks), or nil when it does not exist.
    static func status(_ path: String) -> stat? {
        var info = stat()
        return stat(path, &info) == 0 ? info : nil
    }

    static func isRegularFile(_ path: String) -> Bool {
        guard let info = status(path) else { return false }
        return (info.st_mode & S_IFMT) == S_IFREG
    }

    static func isExecutableFile(_ path: String) -> Bool {
        isRegularFile(path) && access(path, X_OK) == 0
    }

    /// True when the file starts with the ELF magic; cheaper than a full parse and used to
    /// skip linker scripts such as /usr/lib/x86_64-linux-gnu/libc.so.
    static func hasELFMagic(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { return false }
        defer { close(fd) }
        var magic: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
        let count = withUnsafeMutableBytes(of: &magic) { pread(fd, $0.baseAddress, 4, 0) }
        return count == 4 && magic == (0x7f, 0x45, 0x4c, 0x46)
    }

    /// Lists a directory's entry names (without "." and ".."), or [] when unreadable.
    static func directoryEntries(_ path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

/// What identifies one version of a file on disk: a cache keyed by it never serves symbols
/// of a file that was replaced (package upgrade, rebuild) under the same path.
public struct FileIdentity: Hashable, Sendable {
    public var device: UInt64
    public var inode: UInt64
    public var size: Int64
    public var modifiedSeconds: Int64
    public var modifiedNanoseconds: Int64

    init(_ info: stat) {
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        modifiedSeconds = Int64(info.st_mtim.tv_sec)
        modifiedNanoseconds = Int64(info.st_mtim.tv_nsec)
    }

    /// The identity of the file at `path`, or the read error.
    public static func of(_ path: String) throws(SymbolError) -> FileIdentity {
        var info = stat()
        if stat(path, &info) != 0 { throw .cannotRead(path: path, errno: errno) }
        return FileIdentity(info)
    }
}

/// Formats an address the way bpftrace prints unknown addresses (`0x` and lower-case hex).
@inline(__always)
func hexAddress(_ address: UInt64) -> String {
    "0x" + String(address, radix: 16)
}
