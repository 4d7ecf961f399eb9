#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// One line of /proc/PID/maps.
public struct Mapping: Hashable, Sendable {
    public var start: UInt64
    /// One past the last byte.
    public var end: UInt64
    public var isReadable: Bool
    public var isWritable: Bool
    public var isExecutable: Bool
    public var isShared: Bool
    /// Offset in the file of the byte at `start`.
    public var fileOffset: UInt64
    public var deviceMajor: UInt32
    public var deviceMinor: UInt32
    public var inode: UInt64
    /// The file, a pseudo name like `[vdso]` or `[heap]`, or nil for anonymous memory.
    /// A " (deleted)" suffix is removed and reported by `isDeleted`.
    public var path: String?
    public var isDeleted: Bool

    public init(
        start: UInt64, end: UInt64, isReadable: Bool = true, isWritable: Bool = false,
        isExecutable: Bool = true, isShared: Bool = false, fileOffset: UInt64 = 0,
        deviceMajor: UInt32 = 0, deviceMinor: UInt32 = 0, inode: UInt64 = 0,
        path: String? = nil, isDeleted: Bool = false
    ) {
        self.start = start
        self.end = end
        self.isReadable = isReadable
        self.isWritable = isWritable
        self.isExecutable = isExecutable
        self.isShared = isShared
        self.fileOffset = fileOffset
        self.deviceMajor = deviceMajor
        self.deviceMinor = deviceMinor
        self.inode = inode
        self.path = path
        self.isDeleted = isDeleted
    }

    /// A mapping of a real file (not anonymous memory, not `[vdso]`, `[stack]`, ...).
    public var isFileBacked: Bool {
        guard let path else { return false }
        return inode != 0 && path.hasPrefix("/")
    }

    /// The file offset that `address` (inside this mapping) was read from.
    public func fileOffset(of address: UInt64) -> UInt64 {
        address - start + fileOffset
    }
}

/// The memory map of a process, parsed from /proc/PID/maps text.
public struct ProcessMaps: Hashable, Sendable {
    /// All mappings, in address order as the kernel lists them.
    public let mappings: [Mapping]
    /// Only executable ones, sorted by start: what a user stack address can point into.
    public let executableMappings: [Mapping]

    public init(mappings: [Mapping]) {
        self.mappings = mappings
        executableMappings = mappings.filter(\.isExecutable).sorted { $0.start < $1.start }
    }

    /// Parses maps text. Lines that do not parse are skipped rather than failing the whole
    /// map: one odd line must not cost a process all its symbols.
    public init(parsing text: String) {
        var mappings: [Mapping] = []
        for line in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            if let mapping = ProcessMaps.parseLine(line) { mappings.append(mapping) }
        }
        self.init(mappings: mappings)
    }

    /// Reads /proc/PID/maps; `.processGone` when the process has exited.
    public static func read(pid: Int32) throws(SymbolError) -> ProcessMaps {
        try read(path: "/proc/\(pid)/maps", pid: pid)
    }

    static func read(path: String, pid: Int32) throws(SymbolError) -> ProcessMaps {
        let bytes: [UInt8]
        do {
            bytes = try FileIO.readAll(path)
        } catch {
            if case .cannotRead(_, let code) = error, code == ENOENT || code == ESRCH { throw .processGone(pid: pid) }
            throw error
        }
        // An exited-but-unreaped process still has a /proc entry, with an empty map.
        return ProcessMaps(parsing: String(decoding: bytes, as: UTF8.self))
    }

    /// The executable mapping containing `address`, if any.
    public func executableMapping(containing address: UInt64) -> Mapping? {
        var low = 0
        var high = executableMappings.count
        while low < high {
            let middle = (low + high) >> 1
            if executableMappings[middle].start <= address { low = middle + 1 } else { high = middle }
        }
        guard low > 0 else { return nil }
        let mapping = executableMappings[low - 1]
        return address < mapping.end ? mapping : nil
    }

    /// `start-end perms offset major:minor inode   path`
    private static func parseLine(_ line: Substring.UTF8View.SubSequence) -> Mapping? {
        var cursor = line.startIndex
        func field() -> Substring.UTF8View.SubSequence? {
            while cursor < line.endIndex && line[cursor] == UInt8(ascii: " ") { cursor = line.index(after: cursor) }
            let start = cursor
            while cursor < line.endIndex && line[cursor] != UInt8(ascii: " ") { cursor = line.index(after: cursor) }
            return start < cursor ? line[start..<cursor] : nil
        }
        guard let range = field(), let permissions = field(), let offset = field(), let device = field(),
            let inode = field()
        else { return nil }
        let rangeParts = range.split(separator: UInt8(ascii: "-"))
        let deviceParts = device.split(separator: UInt8(ascii: ":"))
        guard rangeParts.count == 2, deviceParts.count == 2, permissions.count >= 4,
            let start = hex(rangeParts[0]), let end = hex(rangeParts[1]), start <= end,
            let fileOffset = hex(offset), let major = hex(deviceParts[0]), let minor = hex(deviceParts[1]),
            major <= UInt32.max, minor <= UInt32.max, let inodeNumber = decimal(inode)
        else { return nil }
        let flags = Array(permissions)
        // The path is the rest of the line after the padding; it may itself contain spaces.
        while cursor < line.endIndex && line[cursor] == UInt8(ascii: " ") { cursor = line.index(after: cursor) }
        var path: String? = cursor < line.endIndex ? String(decoding: line[cursor...], as: UTF8.self) : nil
        var deleted = false
        if let current = path, current.hasSuffix(" (deleted)") {
            path = String(current.dropLast(" (deleted)".count))
            deleted = true
        }
        return Mapping(
            start: start, end: end,
            isReadable: flags[0] == UInt8(ascii: "r"), isWritable: flags[1] == UInt8(ascii: "w"),
            isExecutable: flags[2] == UInt8(ascii: "x"), isShared: flags[3] == UInt8(ascii: "s"),
            fileOffset: fileOffset, deviceMajor: UInt32(major), deviceMinor: UInt32(minor),
            inode: inodeNumber, path: path, isDeleted: deleted)
    }

    private static func hex(_ digits: Substring.UTF8View.SubSequence) -> UInt64? {
        guard !digits.isEmpty, digits.count <= 16 else { return nil }
        var value: UInt64 = 0
        for byte in digits {
            let digit: UInt8
            switch byte {
            case 0x30...0x39: digit = byte - 0x30
            case 0x61...0x66: digit = byte - 0x61 + 10
            case 0x41...0x46: digit = byte - 0x41 + 10
            default: return nil
            }
            value = value << 4 | UInt64(digit)
        }
        return value
    }

    private static func decimal(_ digits: Substring.UTF8View.SubSequence) -> UInt64? {
        guard !digits.isEmpty else { return nil }
        var value: UInt64 = 0
        for byte in digits {
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(UInt64(byte - 0x30))
            if overflow1 || overflow2 { return nil }
            value = sum
        }
        return value
    }
}
