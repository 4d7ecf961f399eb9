#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Resolves the target of a uprobe (`uprobe:TARGET:function`) to a file, as bpftrace does.
///
/// A target with a `/` is a path (inside the traced process's mount namespace when a pid is
/// given). A bare name is, in order: a library the traced process has mapped (with a pid);
/// a program on PATH (`uprobe:bash:readline`); a library known to the dynamic linker, by
/// soname or short name (`libc`, `libc.so.6`, `c`, `libpthread`); a library file in the
/// standard directories. Names that look like libraries (`lib…`, `….so…`) try the library
/// sources before PATH.
public struct LibraryResolver: Sendable {
    public var searchPath: [String]
    public var libraryDirectories: [String]
    /// nil: the system's /etc/ld.so.cache, read once per process.
    public var ldCache: LdSoCache?

    public static let standardLibraryDirectories = [
        "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib",
        "/usr/local/lib",
    ]

    private static let systemLdCache = LdSoCache.read()

    public init(
        searchPath: String? = nil, libraryDirectories: [String] = LibraryResolver.standardLibraryDirectories,
        ldCache: LdSoCache? = nil
    ) {
        let path = searchPath ?? getenv("PATH").map { String(cString: $0) } ?? "/usr/local/bin:/usr/bin:/bin"
        self.searchPath = path.split(separator: ":").map(String.init).filter { !$0.isEmpty }
        self.libraryDirectories = libraryDirectories
        self.ldCache = ldCache
    }

    /// The file a uprobe target names. A wildcard path resolves to its first match (sorted);
    /// use `resolveAll` to attach to every match.
    public func resolve(_ target: String, pid: Int32? = nil) throws(SymbolError) -> String {
        let all = try resolveAll(target, pid: pid)
        return all[0]
    }

    /// Every file a target names: one, or several for a wildcard path such as
    /// `/usr/lib/*/libc.so.6`. Never empty: no match is an error.
    public func resolveAll(_ target: String, pid: Int32? = nil) throws(SymbolError) -> [String] {
        guard !target.isEmpty else { throw .targetNotFound(name: target, searched: []) }
        if target.contains("/") {
            let rooted = pid.flatMap { target.hasPrefix("/") ? "/proc/\($0)/root\(target)" : nil }
            if Glob(target).hasWildcards {
                var matches = rooted.map(LibraryResolver.expand) ?? []
                if matches.isEmpty { matches = LibraryResolver.expand(target) }
                let elves = matches.filter(FileIO.hasELFMagic)
                guard !elves.isEmpty else { throw .targetNotFound(name: target, searched: [rooted ?? target]) }
                return elves
            }
            if let rooted, FileIO.isRegularFile(rooted) { return [try LibraryResolver.checkedELF(rooted)] }
            return [try LibraryResolver.checkedELF(target)]
        }

        var searched: [String] = []
        if let pid {
            searched.append("/proc/\(pid)/maps")
            if let found = mappedFile(named: target, pid: pid) { return [found] }
        }
        let looksLikeLibrary = target.hasPrefix("lib") || target.contains(".so")
        if !looksLikeLibrary {
            searched.append("PATH")
            if let found = program(named: target) { return [found] }
        }
        searched.append("/etc/ld.so.cache")
        if let found = cachedLibrary(named: target) { return [found] }
        searched += libraryDirectories
        if let found = libraryInDirectories(named: target) { return [found] }
        if looksLikeLibrary {
            searched.append("PATH")
            if let found = program(named: target) { return [found] }
        }
        throw .targetNotFound(name: target, searched: searched)
    }

    // MARK: - Sources

    /// An executable regular file of that name in a PATH directory.
    public func program(named name: String) -> String? {
        for directory in searchPath {
            let candidate = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            if FileIO.isExecutableFile(candidate) && FileIO.hasELFMagic(candidate) { return candidate }
        }
        return nil
    }

    private func cachedLibrary(named name: String) -> String? {
        let cache = ldCache ?? LibraryResolver.systemLdCache
        for entry in cache.entries where LibraryResolver.libraryName(entry.name, matches: name) {
            if FileIO.hasELFMagic(entry.path) { return entry.path }
        }
        return nil
    }

    private func libraryInDirectories(named name: String) -> String? {
        for directory in libraryDirectories {
            // Shortest matching name first: `libfoo.so.1` over `libfoo.so.1.2.3` (the same
            // file, but the name users and ldconfig use); `libc.so` is a linker script and
            // fails the ELF check.
            let matches = FileIO.directoryEntries(directory)
                .filter { LibraryResolver.libraryName($0, matches: name) }
                .sorted { $0.utf8.count != $1.utf8.count ? $0.utf8.count < $1.utf8.count : $0 < $1 }
            for match in matches {
                let candidate = directory + "/" + match
                if FileIO.isRegularFile(candidate) && FileIO.hasELFMagic(candidate) { return candidate }
            }
        }
        return nil
    }

    /// A file the process maps (or runs) whose name matches: the library version that
    /// process really uses, even inside a container.
    private func mappedFile(named name: String, pid: Int32) -> String? {
        guard let maps = try? ProcessMaps.read(pid: pid) else { return nil }
        for mapping in maps.mappings where mapping.isFileBacked && mapping.isExecutable {
            guard let path = mapping.path else { continue }
            let fileName = path.split(separator: "/").last.map(String.init) ?? path
            guard fileName == name || LibraryResolver.libraryName(fileName, matches: name) else { continue }
            // Our own view of the path when it is the same file; else through the process's root.
            if let info = FileIO.status(path), UInt64(info.st_ino) == mapping.inode { return path }
            let rooted = "/proc/\(pid)/root\(path)"
            if FileIO.isRegularFile(rooted) { return rooted }
        }
        return nil
    }

    // MARK: - Matching

    /// Whether a library file name (`libc.so.6`) is what a user meant by `name`:
    /// `libc`/`c` match `libc.so` and `libc.so.*`; `libc.so.6` matches itself and `libc.so.6.*`.
    public static func libraryName(_ fileName: String, matches name: String) -> Bool {
        let base = name.hasPrefix("lib") ? name : "lib" + name
        let stem = base.contains(".so") ? base : base + ".so"
        return fileName == stem || fileName.hasPrefix(stem + ".")
    }

    private static func checkedELF(_ path: String) throws(SymbolError) -> String {
        guard let info = FileIO.status(path) else { throw .cannotRead(path: path, errno: errno) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw .notELF(path: path, reason: "not a regular file") }
        guard FileIO.hasELFMagic(path) else {
            if access(path, R_OK) != 0 { throw .cannotRead(path: path, errno: errno) }
            throw .notELF(path: path, reason: "no ELF header")
        }
        return path
    }

    /// Expands a path with wildcards through glob(3), sorted.
    private static func expand(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard glob(pattern, 0, nil, &result) == 0 else { return [] }
        var paths: [String] = []
        for index in 0..<Int(result.gl_pathc) {
            if let path = result.gl_pathv[index] { paths.append(String(cString: path)) }
        }
        return paths.sorted()
    }
}
