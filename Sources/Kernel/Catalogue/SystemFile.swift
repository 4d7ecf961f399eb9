#if canImport(Glibc)
    import Glibc
#endif

/// Whole-file reads of pseudo files (tracefs, sysfs, procfs) with plain POSIX calls.
///
/// Pseudo files report a size of 0 or 4096 whatever they hold, so this reads until EOF
/// instead of trusting `stat`; it avoids Foundation so the catalogue stays cheap to load.
enum SystemFile {
    /// The bytes of the file at `path`, or the errno that stopped the read.
    static func readBytes(_ path: String, sizeHint: Int = 4096) -> Result<[UInt8], OSErrno> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { return .failure(.current) }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: max(sizeHint, 256))
        var used = 0
        while true {
            if used == buffer.count {
                buffer.append(contentsOf: repeatElement(0, count: buffer.count))
            }
            let got = buffer.withUnsafeMutableBytes { raw in
                read(fd, raw.baseAddress! + used, raw.count - used)
            }
            if got < 0 {
                if errno == EINTR { continue }
                return .failure(.current)
            }
            if got == 0 { break }
            used += got
        }
        buffer.removeSubrange(used...)
        return .success(buffer)
    }

    /// The file as UTF-8 text (invalid bytes repaired, never a crash).
    static func readText(_ path: String, sizeHint: Int = 4096) -> Result<String, OSErrno> {
        readBytes(path, sizeHint: sizeHint).map { String(decoding: $0, as: UTF8.self) }
    }

    static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// The names inside a directory, without `.` and `..`.
    static func directoryEntries(_ path: String) -> Result<[String], OSErrno> {
        guard let dir = opendir(path) else { return .failure(.current) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return .success(names)
    }
}
