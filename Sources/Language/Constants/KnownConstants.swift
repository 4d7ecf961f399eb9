/// The kernel and libc `#define`s scripts use without including a header, so that programs
/// written for bpftrace with kernel headers (bpftrace 0.17's runqlat.bt compares
/// `args->prev_state == TASK_RUNNING`) compile here, where headers are not read.
///
/// Values of enums (`TCP_ESTABLISHED`, `SKB_DROP_REASON_*`) come from the kernel's BTF
/// instead (`ProbeCatalogue.enumValue`); a `#define` in the program takes precedence over both,
/// and a builtin variable of the same name over the table. docs/language.md lists the groups.
public struct KnownConstant: Sendable, Hashable {
    public var name: String
    public var value: Int64
    /// Where C programs get it, for `help` and the docs.
    public var header: String
}

public enum KnownConstants {
    public static subscript(name: String) -> KnownConstant? { table[name] }

    public static let all: [KnownConstant] = groups.flatMap { header, rows in
        rows.map { KnownConstant(name: $0.0, value: $0.1, header: header) }
    }

    private static let table: [String: KnownConstant] = Dictionary(
        all.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })

    private static let groups: [(String, [(String, Int64)])] = [
        (
            "linux/sched.h",
            [
                ("TASK_RUNNING", 0x0), ("TASK_INTERRUPTIBLE", 0x1), ("TASK_UNINTERRUPTIBLE", 0x2),
                ("__TASK_STOPPED", 0x4), ("__TASK_TRACED", 0x8), ("EXIT_DEAD", 0x10), ("EXIT_ZOMBIE", 0x20),
                ("EXIT_TRACE", 0x30), ("TASK_PARKED", 0x40), ("TASK_DEAD", 0x80), ("TASK_WAKEKILL", 0x100),
                ("TASK_WAKING", 0x200), ("TASK_NOLOAD", 0x400), ("TASK_NEW", 0x800), ("TASK_KILLABLE", 0x102),
                ("TASK_STOPPED", 0x104), ("TASK_TRACED", 0x8), ("TASK_IDLE", 0x402),
                ("CLONE_VM", 0x100), ("CLONE_FS", 0x200), ("CLONE_FILES", 0x400), ("CLONE_SIGHAND", 0x800),
                ("CLONE_VFORK", 0x4000), ("CLONE_PARENT", 0x8000), ("CLONE_THREAD", 0x10000),
                ("CLONE_NEWNS", 0x20000), ("CLONE_NEWPID", 0x2000_0000), ("CLONE_NEWNET", 0x4000_0000),
            ]
        ),
        (
            "sys/socket.h",
            [
                ("AF_UNSPEC", 0), ("AF_UNIX", 1), ("AF_LOCAL", 1), ("AF_INET", 2), ("AF_INET6", 10),
                ("AF_NETLINK", 16), ("AF_PACKET", 17), ("AF_BLUETOOTH", 31), ("AF_VSOCK", 40), ("AF_XDP", 44),
                ("PF_UNSPEC", 0), ("PF_UNIX", 1), ("PF_INET", 2), ("PF_INET6", 10),
                ("SOCK_STREAM", 1), ("SOCK_DGRAM", 2), ("SOCK_RAW", 3), ("SOCK_SEQPACKET", 5),
            ]
        ),
        (
            "netinet/in.h",
            [
                ("IPPROTO_IP", 0), ("IPPROTO_ICMP", 1), ("IPPROTO_TCP", 6), ("IPPROTO_UDP", 17),
                ("IPPROTO_IPV6", 41), ("IPPROTO_ICMPV6", 58), ("IPPROTO_SCTP", 132), ("IPPROTO_RAW", 255),
            ]
        ),
        ("fcntl.h", openFlags),
        (
            "signal.h",
            [
                ("SIGHUP", 1), ("SIGINT", 2), ("SIGQUIT", 3), ("SIGILL", 4), ("SIGTRAP", 5), ("SIGABRT", 6),
                ("SIGIOT", 6), ("SIGBUS", 7), ("SIGFPE", 8), ("SIGKILL", 9), ("SIGUSR1", 10), ("SIGSEGV", 11),
                ("SIGUSR2", 12), ("SIGPIPE", 13), ("SIGALRM", 14), ("SIGTERM", 15), ("SIGSTKFLT", 16),
                ("SIGCHLD", 17), ("SIGCONT", 18), ("SIGSTOP", 19), ("SIGTSTP", 20), ("SIGTTIN", 21),
                ("SIGTTOU", 22), ("SIGURG", 23), ("SIGXCPU", 24), ("SIGXFSZ", 25), ("SIGVTALRM", 26),
                ("SIGPROF", 27), ("SIGWINCH", 28), ("SIGIO", 29), ("SIGPOLL", 29), ("SIGPWR", 30), ("SIGSYS", 31),
            ]
        ),
        (
            "errno.h",
            [
                ("EPERM", 1), ("ENOENT", 2), ("ESRCH", 3), ("EINTR", 4), ("EIO", 5), ("ENXIO", 6), ("E2BIG", 7),
                ("ENOEXEC", 8), ("EBADF", 9), ("ECHILD", 10), ("EAGAIN", 11), ("EWOULDBLOCK", 11), ("ENOMEM", 12),
                ("EACCES", 13), ("EFAULT", 14), ("EBUSY", 16), ("EEXIST", 17), ("EXDEV", 18), ("ENODEV", 19),
                ("ENOTDIR", 20), ("EISDIR", 21), ("EINVAL", 22), ("ENFILE", 23), ("EMFILE", 24), ("ENOTTY", 25),
                ("EFBIG", 27), ("ENOSPC", 28), ("ESPIPE", 29), ("EROFS", 30), ("EMLINK", 31), ("EPIPE", 32),
                ("ERANGE", 34), ("EDEADLK", 35), ("ENAMETOOLONG", 36), ("ENOSYS", 38), ("ENOTEMPTY", 39),
                ("ELOOP", 40), ("EOPNOTSUPP", 95), ("ENOTSUP", 95), ("EADDRINUSE", 98), ("ENETUNREACH", 101),
                ("ECONNABORTED", 103), ("ECONNRESET", 104), ("ENOTCONN", 107), ("ETIMEDOUT", 110),
                ("ECONNREFUSED", 111), ("EHOSTUNREACH", 113), ("EINPROGRESS", 115),
            ]
        ),
        (
            "sys/mman.h",
            [
                ("PROT_NONE", 0), ("PROT_READ", 1), ("PROT_WRITE", 2), ("PROT_EXEC", 4), ("MAP_SHARED", 1),
                ("MAP_PRIVATE", 2), ("MAP_FIXED", 0x10), ("MAP_ANONYMOUS", 0x20), ("MAP_ANON", 0x20),
            ]
        ),
        (
            "sys/stat.h, unistd.h",
            [
                ("S_IFMT", 0o170000), ("S_IFSOCK", 0o140000), ("S_IFLNK", 0o120000), ("S_IFREG", 0o100000),
                ("S_IFBLK", 0o60000), ("S_IFDIR", 0o40000), ("S_IFCHR", 0o20000), ("S_IFIFO", 0o10000),
                ("SEEK_SET", 0), ("SEEK_CUR", 1), ("SEEK_END", 2),
                ("AT_FDCWD", -100), ("AT_SYMLINK_NOFOLLOW", 0x100), ("AT_REMOVEDIR", 0x200),
                ("AT_EMPTY_PATH", 0x1000),
            ]
        ),
        (
            "linux/time64.h",
            [
                ("NSEC_PER_USEC", 1000), ("NSEC_PER_MSEC", 1_000_000), ("NSEC_PER_SEC", 1_000_000_000),
                ("USEC_PER_MSEC", 1000), ("USEC_PER_SEC", 1_000_000), ("MSEC_PER_SEC", 1000),
            ]
        ),
    ]

    /// `open(2)` flags. A few differ between architectures (asm/fcntl.h); these are the
    /// values of the machine bpfsh runs on, which is the machine it traces.
    private static var openFlags: [(String, Int64)] {
        #if arch(arm64)
            let (directory, noFollow, direct, largeFile): (Int64, Int64, Int64, Int64) = (
                0o40000, 0o100000, 0o200000, 0o400000
            )
        #else
            let (directory, noFollow, direct, largeFile): (Int64, Int64, Int64, Int64) = (
                0o200000, 0o400000, 0o40000, 0o100000
            )
        #endif
        return [
            ("O_RDONLY", 0), ("O_WRONLY", 1), ("O_RDWR", 2), ("O_ACCMODE", 3), ("O_CREAT", 0o100),
            ("O_EXCL", 0o200), ("O_NOCTTY", 0o400), ("O_TRUNC", 0o1000), ("O_APPEND", 0o2000),
            ("O_NONBLOCK", 0o4000), ("O_NDELAY", 0o4000), ("O_DSYNC", 0o10000), ("O_ASYNC", 0o20000),
            ("FASYNC", 0o20000), ("O_DIRECT", direct), ("O_LARGEFILE", largeFile), ("O_DIRECTORY", directory),
            ("O_NOFOLLOW", noFollow), ("O_NOATIME", 0o1000000), ("O_CLOEXEC", 0o2000000),
            ("O_SYNC", 0o4010000), ("O_PATH", 0o10000000), ("O_TMPFILE", 0o20000000 | directory),
        ]
    }
}
