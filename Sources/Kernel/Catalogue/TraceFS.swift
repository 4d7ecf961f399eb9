#if canImport(Glibc)
    import Glibc
#endif

/// Why tracefs could not be used.
public enum TraceFSError: Error, Sendable, Hashable, CustomStringConvertible {
    /// tracefs is mounted nowhere we looked and we may not mount it (not root).
    case notMounted(searched: [String], reason: String)
    /// mount(2) of tracefs at `path` failed.
    case mountFailed(path: String, errno: OSErrno)
    /// A tracefs file exists but could not be read (EPERM on a locked-down file, for example).
    case unreadable(path: String, errno: OSErrno)
    /// The file does not exist: the event, or the feature behind the file, is absent.
    case missing(path: String)

    public var description: String {
        switch self {
        case let .notMounted(searched, reason):
            return "tracefs is not mounted (looked in \(searched.joined(separator: ", "))): \(reason)"
        case let .mountFailed(path, errno):
            return "cannot mount tracefs at \(path): \(errno)"
        case let .unreadable(path, errno):
            return "cannot read \(path): \(errno)"
        case let .missing(path):
            return "\(path) does not exist"
        }
    }
}

/// The kernel's tracing file system, where tracepoint lists, formats and ids live.
///
/// Modern kernels mount it at /sys/kernel/tracing; older setups only expose it through
/// debugfs at /sys/kernel/debug/tracing. Some systems boot with neither mounted, so
/// `locate` mounts it when it is missing and we are root (as `perf` and bpftrace do).
public struct TraceFS: Sendable, Hashable {
    /// The directory tracefs is mounted on, without a trailing slash.
    public let root: String

    /// Where tracefs is looked for, best first.
    public static let standardMountPoints = ["/sys/kernel/tracing", "/sys/kernel/debug/tracing"]

    /// Uses `root` as given (tests point this at a copy of tracefs).
    public init(root: String) {
        var trimmed = root
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.root = trimmed
    }

    /// Finds the mounted tracefs, mounting it at /sys/kernel/tracing when allowed.
    public static func locate(mountIfMissing: Bool = true) throws(TraceFSError) -> TraceFS {
        for candidate in standardMountPoints where isTraceFS(candidate) {
            return TraceFS(root: candidate)
        }
        // Mounted but unreadable: tracefs is mode 0700, so non-root users cannot even look.
        let mounted = mountPoints()
        if let path = standardMountPoints.first(where: mounted.contains) ?? mounted.first {
            if access(path, R_OK | X_OK) != 0 {
                throw .unreadable(path: path, errno: .current)
            }
            return TraceFS(root: path)
        }
        let target = standardMountPoints[0]
        guard mountIfMissing else {
            throw .notMounted(searched: standardMountPoints, reason: "mounting was not requested")
        }
        guard geteuid() == 0 else {
            throw .notMounted(
                searched: standardMountPoints,
                reason: "only root can mount it (sudo mount -t tracefs nodev \(target))")
        }
        guard SystemFile.isDirectory(target) else {
            throw .notMounted(
                searched: standardMountPoints,
                reason: "\(target) does not exist: the kernel has no tracefs (CONFIG_TRACING off?)")
        }
        if mount("nodev", target, "tracefs", 0, nil) != 0 {
            let failure = OSErrno.current
            // Another process may have mounted it between our check and our mount.
            if isTraceFS(target) { return TraceFS(root: target) }
            throw .mountFailed(path: target, errno: failure)
        }
        return TraceFS(root: target)
    }

    /// Where tracefs is mounted, from /proc/self/mounts (readable by everyone, unlike tracefs).
    static func mountPoints() -> [String] {
        guard case .success(let text) = SystemFile.readText("/proc/self/mounts", sizeHint: 16 * 1024) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ", maxSplits: 3)
            guard fields.count >= 3, fields[2] == "tracefs" else { return nil }
            // Mount points escape spaces as \040; tracefs paths have none in practice.
            return String(fields[1])
        }
    }

    /// True when `path` looks like a mounted tracefs (its event list is present).
    public static func isTraceFS(_ path: String) -> Bool {
        SystemFile.exists(path + "/available_events") || SystemFile.isDirectory(path + "/events")
    }

    /// The absolute path of a file inside tracefs.
    public func path(_ relative: String) -> String {
        relative.hasPrefix("/") ? root + relative : root + "/" + relative
    }

    /// The path of `events/CATEGORY/EVENT/FILE`.
    public func eventPath(category: String, event: String, file: String) -> String {
        root + "/events/" + category + "/" + event + "/" + file
    }

    /// Reads a tracefs file as text.
    public func read(_ relative: String, sizeHint: Int = 4096) throws(TraceFSError) -> String {
        let full = path(relative)
        switch SystemFile.readText(full, sizeHint: sizeHint) {
        case .success(let text):
            return text
        case .failure(let failure):
            if failure.code == ENOENT { throw .missing(path: full) }
            throw .unreadable(path: full, errno: failure)
        }
    }

    /// True when the file exists inside tracefs.
    public func contains(_ relative: String) -> Bool {
        SystemFile.exists(path(relative))
    }
}
