import Foundation

/// Writes files the way a tracer on a production machine must: never silently over an
/// existing file, atomically (a temporary file renamed into place), and never saying a file
/// was written when it was not. Every step's result is checked (a short or failed write, as
/// on a full disk, fsync and close, which report what the file system deferred), so the
/// caller hears ENOSPC at once and the previous file stays whole.
public enum SafeFileWriter {
    public static func write(_ text: String, to path: String, force: Bool) throws {
        try write(Data(text.utf8), to: path, force: force)
    }

    public static func write(_ data: Data, to path: String, force: Bool) throws {
        var target = stat()
        if stat(path, &target) == 0 && (target.st_mode & S_IFMT) != S_IFREG {
            // A device, FIFO or socket (`save x /dev/stdout`, `BPFSH_HISTORY=/dev/null`) is
            // written in place: renaming over it would replace /dev/null with a plain file
            // for every process on the machine.
            try writeInPlace(data, to: path)
            return
        }
        // Through a symlink, the file it names is replaced and the link kept.
        let url = URL(fileURLWithPath: path).resolvingSymlinksInPath()
        if FileManager.default.fileExists(atPath: url.path) && !force {
            throw FileWriteError(path: path, reason: .exists)
        }
        let directory = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw FileWriteError(path: path, reason: .missingDirectory(directory))
        }
        let temporary = directory + "/.\(url.lastPathComponent).bpfsh-\(getpid())"
        // A leftover of an earlier failed run is ours to replace; O_EXCL then refuses to
        // follow a link someone else put in its place.
        unlink(temporary)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else { throw FileWriteError(path: path, reason: .system(.create, errno)) }
        func fail(_ step: FileWriteError.Step, _ code: Int32, closing: Bool = true) -> FileWriteError {
            if closing { close(fd) }
            unlink(temporary)
            return FileWriteError(path: path, reason: .system(step, code))
        }
        if let code = writeAll(data, to: fd) { throw fail(.write, code) }
        if fsync(fd) != 0 { throw fail(.sync, errno) }
        if close(fd) != 0 { throw fail(.close, errno, closing: false) }
        if rename(temporary, url.path) != 0 { throw fail(.rename, errno, closing: false) }
    }

    private static func writeInPlace(_ data: Data, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileWriteError(path: path, reason: .system(.create, errno)) }
        if let code = writeAll(data, to: fd) {
            close(fd)
            throw FileWriteError(path: path, reason: .system(.write, code))
        }
        if close(fd) != 0 { throw FileWriteError(path: path, reason: .system(.close, errno)) }
    }

    /// Writes every byte, going on after short writes and EINTR; the errno that stopped it, or nil.
    private static func writeAll(_ data: Data, to fd: Int32) -> Int32? {
        data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) -> Int32? in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                // write(2) returning 0 for a non-empty buffer means no room: say so.
                if written == 0 { return ENOSPC }
                offset += written
            }
            return nil
        }
    }
}

/// A file that could not be written, and why (the errno of the step that failed).
public struct FileWriteError: Error, CustomStringConvertible, Equatable {
    public enum Step: String, Sendable { case create, write, sync, close, rename }
    public enum Reason: Equatable {
        /// The file exists and `--force` was not given.
        case exists
        /// The directory to write in is missing.
        case missingDirectory(String)
        /// A system call failed with this errno.
        case system(Step, Int32)
    }
    public let path: String
    public let reason: Reason

    public init(path: String, reason: Reason) {
        self.path = path
        self.reason = reason
    }

    public var description: String {
        switch reason {
        case .exists: return "\(path) exists: add --force to replace it"
        case .missingDirectory(let directory): return "cannot write \(path): the directory \(directory) does not exist"
        case .system(_, let code): return "cannot write \(path): \(String(cString: strerror(code)))"
        }
    }
}
