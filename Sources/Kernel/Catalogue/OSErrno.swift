#if canImport(Glibc)
    import Glibc
#endif

/// An errno value with its symbolic name, so reports say `EPERM` rather than a bare number.
///
/// The kernel returns a few codes that libc does not know (ENOTSUPP = 524 is the one BPF
/// trampolines use), and `strerror` calls those "Unknown error 524"; they are named here.
public struct OSErrno: Error, Sendable, Hashable, CustomStringConvertible {
    public let code: Int32

    public init(_ code: Int32) { self.code = code }

    /// The calling thread's current errno.
    public static var current: OSErrno { OSErrno(errno) }

    /// The symbolic name (`EPERM`), or `errno N` when it has none here.
    public var name: String {
        if let known = Self.names[code] { return known }
        return "errno \(code)"
    }

    /// A human sentence for the code.
    public var message: String {
        if let kernelOnly = Self.kernelMessages[code] { return kernelOnly }
        guard let text = strerror(code) else { return "unknown error" }
        return String(cString: text)
    }

    public var description: String { "\(name) (\(message))" }

    private static let names: [Int32: String] = [
        EPERM: "EPERM", ENOENT: "ENOENT", ESRCH: "ESRCH", EINTR: "EINTR", EIO: "EIO",
        ENXIO: "ENXIO", E2BIG: "E2BIG", EBADF: "EBADF", EAGAIN: "EAGAIN", ENOMEM: "ENOMEM",
        EACCES: "EACCES", EFAULT: "EFAULT", EBUSY: "EBUSY", EEXIST: "EEXIST", ENODEV: "ENODEV",
        ENOTDIR: "ENOTDIR", EISDIR: "EISDIR", EINVAL: "EINVAL", ENFILE: "ENFILE", EMFILE: "EMFILE",
        ENOSPC: "ENOSPC", EROFS: "EROFS", ERANGE: "ERANGE", ENOSYS: "ENOSYS", ENOTSUP: "EOPNOTSUPP",
        ENOTTY: "ENOTTY", ENAMETOOLONG: "ENAMETOOLONG", ELOOP: "ELOOP",
        524: "ENOTSUPP",
    ]

    /// Codes from include/linux/errno.h that never reach user space through libc's table.
    private static let kernelMessages: [Int32: String] = [
        512: "restart system call", 514: "restart with no handler", 515: "no ioctl command",
        524: "operation not supported by this kernel",
    ]
}
