/// The function symbols and load segments of one ELF file, ready for address lookup and for
/// uprobe placement.
///
/// Built from .symtab and .dynsym, plus the .symtab of a separate debug file when the file
/// itself is stripped (Debian's libc6-dbg puts libc's static functions there, and bcc, hence
/// bpftrace, reads it too). Immutable once built, so one table is shared by every process
/// that maps the file: use `ElfSymbolTable.load(path:)` to get the cached one.
public final class ElfSymbolTable: Sendable {
    public let path: String
    public let fileType: ElfFileType
    /// Has a PT_INTERP (programs, but also libc.so.6, which can be run).
    public let hasInterpreter: Bool
    /// A position-independent executable (ET_DYN marked DF_1_PIE), as opposed to a library.
    public let isPIEExecutable: Bool
    public let segments: [LoadSegment]
    /// Every function symbol, sorted by address then name; aliases appear once each.
    public let functions: [ElfFunction]
    /// Data symbols (STT_OBJECT) of the file itself, for `uaddr("name")`.
    public let objects: [ElfFunction]
    public let buildID: String?
    /// The separate debug file whose symbols were merged in, if any.
    public let debugFile: String?

    /// Address lookup index: one entry per distinct start address (the preferred alias),
    /// with the end of the range it covers.
    private let lookupStarts: [UInt64]
    private let lookupEnds: [UInt64]
    private let lookupNames: [Int]

    /// ET_DYN: loaded at a load bias chosen at run time (shared libraries and PIE programs).
    public var isPositionIndependent: Bool { fileType == .sharedObject }

    /// Reads the file, uncached. Prefer `load(path:)`.
    public convenience init(path: String, useDebugFile: Bool = true) throws(SymbolError) {
        let contents = try ElfReader.read(path: path)
        var functions = contents.functions
        var debugFile: String?
        if useDebugFile && !contents.hasSymtab,
            let candidate = DebugFileLocator.find(for: path, buildID: contents.buildID, debugLink: contents.debugLink),
            let debug = try? ElfReader.read(path: candidate),
            contents.buildID == nil || debug.buildID == contents.buildID
        {
            functions += debug.functions
            debugFile = candidate
        }
        self.init(path: path, contents: contents, functions: functions, debugFile: debugFile)
    }

    /// Parses an ELF image in memory (e.g. the vDSO); `name` is used in errors and `path`.
    public convenience init(image: UnsafeRawBufferPointer, name: String) throws(SymbolError) {
        let contents = try ElfReader.read(image: image, name: name)
        self.init(path: name, contents: contents, functions: contents.functions, debugFile: nil)
    }

    /// Builds a table from parts; for tests and synthetic symbol sources (JIT maps).
    public convenience init(path: String, fileType: ElfFileType, segments: [LoadSegment], functions: [ElfFunction]) {
        let contents = ElfContents(
            fileType: fileType, hasInterpreter: false, isPIEExecutable: false,
            segments: segments, functions: functions,
            hasSymtab: true, buildID: nil, debugLink: nil)
        self.init(path: path, contents: contents, functions: functions, debugFile: nil)
    }

    private init(path: String, contents: ElfContents, functions raw: [ElfFunction], debugFile: String?) {
        self.path = path
        fileType = contents.fileType
        hasInterpreter = contents.hasInterpreter
        isPIEExecutable = contents.isPIEExecutable
        segments = contents.segments
        objects = contents.objects
        buildID = contents.buildID
        self.debugFile = debugFile

        // .symtab and .dynsym (and the debug file) repeat most names: keep one of each
        // (address, name), with the largest size any copy gives.
        let sorted = raw.sorted { $0.value != $1.value ? $0.value < $1.value : $0.name < $1.name }
        var unique: [ElfFunction] = []
        unique.reserveCapacity(sorted.count)
        for function in sorted {
            if var last = unique.last, last.value == function.value, last.name == function.name {
                last.size = max(last.size, function.size)
                last.binding = min(last.binding, function.binding)
                unique[unique.count - 1] = last
            } else {
                unique.append(function)
            }
        }
        functions = unique

        var starts: [UInt64] = []
        var ends: [UInt64] = []
        var names: [Int] = []
        var index = 0
        while index < unique.count {
            var best = index
            var size = unique[index].size
            var next = index + 1
            while next < unique.count && unique[next].value == unique[index].value {
                if ElfSymbolTable.preferred(unique[next], over: unique[best]) { best = next }
                size = max(size, unique[next].size)
                next += 1
            }
            starts.append(unique[index].value)
            ends.append(unique[index].value &+ size)
            names.append(best)
            index = next
        }
        // Symbols without a size (hand-written assembly) cover up to the next symbol, but
        // never past the end of their segment: perf does the same, bcc leaves them unnamed.
        for i in starts.indices where ends[i] == starts[i] {
            let segmentEnd =
                contents.segments.first {
                    $0.virtualAddress <= starts[i] && starts[i] - $0.virtualAddress < $0.memorySize
                }
                .map { $0.virtualAddress + $0.memorySize } ?? starts[i]
            let nextStart = i + 1 < starts.count ? starts[i + 1] : UInt64.max
            ends[i] = min(nextStart, segmentEnd)
        }
        lookupStarts = starts
        lookupEnds = ends
        lookupNames = names
    }

    /// Which of several names at one address to print: the one a user knows (`malloc`, not
    /// `__libc_malloc`; `getpid`, not `__getpid`). Fewer leading underscores first, then
    /// global over weak over local, then the shorter name.
    static func preferred(_ a: ElfFunction, over b: ElfFunction) -> Bool {
        if (a.size == 0) != (b.size == 0) { return a.size != 0 }
        let underscoresA = a.name.utf8.prefix { $0 == UInt8(ascii: "_") }.count
        let underscoresB = b.name.utf8.prefix { $0 == UInt8(ascii: "_") }.count
        if underscoresA != underscoresB { return underscoresA < underscoresB }
        if a.binding != b.binding { return a.binding < b.binding }
        if a.name.utf8.count != b.name.utf8.count { return a.name.utf8.count < b.name.utf8.count }
        return a.name < b.name
    }

    /// The function containing a virtual address of this file and how far into it the address
    /// is, or nil when no function covers it.
    public func lookup(_ virtualAddress: UInt64) -> (name: String, offset: UInt64)? {
        guard let function = function(containing: virtualAddress) else { return nil }
        return (function.name, virtualAddress - function.value)
    }

    /// The function (preferred alias) containing a virtual address of this file.
    public func function(containing virtualAddress: UInt64) -> ElfFunction? {
        var low = 0
        var high = lookupStarts.count
        while low < high {
            let middle = (low + high) >> 1
            if lookupStarts[middle] <= virtualAddress { low = middle + 1 } else { high = middle }
        }
        // Walk back over nested symbols (a function containing smaller local ones); a short
        // bound keeps a lookup in a gap between functions cheap.
        var candidate = low - 1
        var steps = 0
        while candidate >= 0 && steps < 16 {
            if virtualAddress < lookupEnds[candidate] { return functions[lookupNames[candidate]] }
            candidate -= 1
            steps += 1
        }
        return nil
    }

    /// The first function of that name: a global or weak one before a local (static) one of
    /// the same name, then the lowest address.
    public func function(named name: String) -> ElfFunction? {
        var best: ElfFunction?
        for function in functions where function.name == name {
            if let current = best, !(current.binding == .local && function.binding != .local) { continue }
            best = function
        }
        return best
    }

    /// A data or function symbol by name, as `uaddr()` looks one up: a global before a local.
    public func symbol(named name: String) -> ElfFunction? {
        var best: ElfFunction?
        for object in objects where object.name == name {
            if let current = best, !(current.binding == .local && object.binding != .local) { continue }
            best = object
        }
        return best ?? function(named: name)
    }

    /// Names of all functions matching a glob (`*`, `?`), sorted and without duplicates.
    public func functionNames(matching pattern: String) -> [String] {
        let glob = Glob(pattern)
        return Array(Set(functions.lazy.map(\.name).filter { glob.matches($0) })).sorted()
    }

    /// Where a virtual address of this file is stored in the file: the offset perf's uprobe
    /// PMU wants. Only file-backed bytes have one (not .bss).
    public func fileOffset(ofVirtualAddress address: UInt64) -> UInt64? {
        guard let segment = segments.first(where: { $0.containsFileBacked(virtualAddress: address) }) else {
            return nil
        }
        return address - segment.virtualAddress + segment.fileOffset
    }

    /// The virtual address that a file offset is loaded at (relative to the load bias).
    public func virtualAddress(ofFileOffset offset: UInt64) -> UInt64? {
        // Executable segments first: a user address being symbolized is code.
        let segment =
            segments.first { $0.isExecutable && $0.contains(fileOffset: offset) }
            ?? segments.first { $0.contains(fileOffset: offset) }
        guard let segment else { return nil }
        return offset - segment.fileOffset + segment.virtualAddress
    }

    /// The uprobe attach offset of a function: its file offset, plus `offset` bytes into it.
    public func uprobeOffset(of name: String, plus offset: UInt64 = 0) throws(SymbolError) -> UInt64 {
        guard let function = function(named: name) else { throw .symbolNotFound(name: name, path: path) }
        guard let fileOffset = fileOffset(ofVirtualAddress: function.value &+ offset) else {
            throw .addressNotInFile(address: function.value &+ offset, path: path)
        }
        return fileOffset
    }
}
