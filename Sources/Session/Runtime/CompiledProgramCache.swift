import Codegen
import Foundation
import Kernel
import Language

/// Compiled programs kept on disk (`~/.cache/bpfsh`), so that running a program again skips
/// LLVM: parsing and type checking still run (they are cheap, and the session needs their
/// result), only the code comes from the entry.
///
/// An entry is found by a hash of its key and used only when the whole key stored in it
/// matches: bpfsh's version and executable, the kernel (release, build, and a sample of its BTF), the source,
/// the options the type checker and code generator ran with, and the `BPFTRACE_*` settings.
/// Anything unexpected — another key, a short or altered file (a checksum covers it all), a
/// file or directory another user could have written — is a miss: the program is compiled
/// and the entry written anew. An entry is never trusted beyond that.
public struct CompiledProgramCache: Sendable {
    public let directory: String
    /// bpfsh and the kernel this cache's entries were made for.
    public let identity: String

    /// Compiled in where the process to ignore goes (`CodegenOptions.excludedProcess`), and
    /// replaced by the real pid at each use, so one entry serves every run. Larger than any
    /// pid (the kernel's limit is 4,194,304).
    static let processPlaceholder: UInt32 = 0x7BAD_F00D

    public init(directory: String, identity: String) {
        self.directory = directory
        self.identity = identity
    }

    /// The cache of this user and kernel: `BPFSH_CACHE_DIR`, else `$XDG_CACHE_HOME/bpfsh`, else
    /// `~/.cache/bpfsh`; nil with `BPFSH_CACHE=0` or without a home.
    public static func standard(version: String) -> CompiledProgramCache? {
        if let setting = getenv("BPFSH_CACHE").map({ String(cString: $0) }), setting == "0" { return nil }
        let directory: String
        if let explicit = getenv("BPFSH_CACHE_DIR").map({ String(cString: $0) }), !explicit.isEmpty {
            directory = explicit
        } else if let xdg = getenv("XDG_CACHE_HOME").map({ String(cString: $0) }), xdg.hasPrefix("/") {
            directory = xdg + "/bpfsh"
        } else if let home = getenv("HOME").map({ String(cString: $0) }), home.hasPrefix("/") {
            directory = home + "/.cache/bpfsh"
        } else {
            return nil
        }
        return CompiledProgramCache(
            directory: directory, identity: "bpfsh \(version)\n" + executableIdentity() + kernelIdentity())
    }

    /// The executable's size and modification time: builds of one version (a developer's, or
    /// branches built one after another on one machine) number formats and lay out code
    /// differently, and an entry of another build runs with the wrong format table.
    static func executableIdentity() -> String {
        var info = stat()
        guard stat("/proc/self/exe", &info) == 0 else { return "executable unknown\n" }
        return "executable \(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)\n"
    }

    /// The kernel release and build, and the vmlinux BTF's size with a hash of sixteen 4 KiB
    /// blocks spread over it: reading and hashing all of its ~5 MB would cost more than a
    /// cache hit saves, and the build string already changes with every kernel built.
    static func kernelIdentity(btfPath: String = VmlinuxBTF.defaultPath) -> String {
        var name = utsname()
        uname(&name)
        func field<T>(_ value: T) -> String {
            withUnsafeBytes(of: value) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        var text = "kernel \(field(name.release)) \(field(name.version))\n"
        let fd = open(btfPath, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return text + "btf none\n" }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return text + "btf unreadable\n" }
        // sysfs gives BTF's size as the file's size.
        let size = Int(info.st_size)
        var hash = FNV1a()
        var block = [UInt8](repeating: 0, count: 4096)
        for index in 0..<16 {
            let offset = size > 4096 ? (size - 4096) / 15 * index : 0
            let count = block.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 4096, off_t(offset)) }
            if count > 0 { hash.add(block[..<count]) }
        }
        text += "btf \(size) \(String(hash.value, radix: 16))\n"
        return text
    }

    // MARK: Compiling through the cache

    /// `checked` compiled with `options`, from the cache when it holds it, else by LLVM (and
    /// kept for next time). A program whose code depends on this run (`elapsed`, `cpid`,
    /// `nsecs(sw_tai)`), or
    /// that reads other files, is compiled as usual and not kept.
    func compile(
        _ checked: CheckedProgram, source: SourceFile, analyzer: SemanticAnalyzer.Options, options: CodegenOptions
    ) throws -> CompiledProgram {
        guard let material = keyMaterial(source: source, analyzer: analyzer, options: options) else {
            return try Compiler(options: options).compile(checked)
        }
        let pid = UInt32(bitPattern: options.excludedProcess)
        let excluding = options.excludedProcess != 0
        let expectedSites = excluding ? checked.units.filter { CodegenOptions.excludesProcess(at: $0.provider) }.count : 0
        let path = entryPath(for: material)
        let compiler = Compiler(options: options)

        if let code = load(path, material: material),
            let patched = Self.patch(code, pid: pid, expectedSites: expectedSites),
            var compiled = try? compiler.assemble(checked, code: patched)
        {
            compiled.fromCache = true
            return compiled
        }
        var placeholder = options
        if excluding { placeholder.excludedProcess = Int32(bitPattern: Self.processPlaceholder) }
        let fresh = try Compiler(options: placeholder).compile(checked)
        // The placeholder must be exactly where the process check is, or the code is not kept
        // (an immediate of the program's own that happens to equal it would be replaced too).
        guard let patched = Self.patch(fresh.code, pid: pid, expectedSites: expectedSites) else {
            return try compiler.compile(checked)
        }
        store(fresh.code, material: material, at: path)
        var compiled = try compiler.assemble(checked, code: patched)
        compiled.timings = fresh.timings
        return compiled
    }

    /// The code with the placeholder replaced by `pid`, or nil unless the placeholder appears
    /// exactly `expectedSites` times.
    static func patch(_ code: [ProgramCode], pid: UInt32, expectedSites: Int) -> [ProgramCode]? {
        let sites = code.map { $0.sites(ofImmediate: processPlaceholder) }
        guard sites.reduce(0, { $0 + $1.count }) == expectedSites else { return nil }
        return zip(code, sites).map { $0.replacingImmediate(at: $1, with: pid) }
    }

    /// Everything the code depends on, as text, or nil for a program not to keep.
    func keyMaterial(source: SourceFile, analyzer: SemanticAnalyzer.Options, options: CodegenOptions) -> String? {
        let text = source.text
        // Run-specific constants (elapsed's start time, cpid, the TAI offset of nsecs(sw_tai)
        // and tseries() measured at compile time) and other files' contents
        // (#include, import) are not in the key: such programs are not kept.
        for word in ["elapsed", "cpid", "sw_tai", "tseries", "#include", "import"] where text.contains(word) {
            return nil
        }
        // (The function tables are not in the key: a cache is given only to sessions with
        // the built-in ones, `TracingSession.Options.cache`.)
        var key = identity
        // A shell's later probes compile against the session's maps: their layouts are part
        // of what the code was made for (map handles themselves are bound at load).
        for map in analyzer.knownMaps.sorted(by: { $0.name < $1.name }) {
            key += map.cacheKeySpelling + "\n"
        }
        // The shell's `config` command sets these for the session, outside the source.
        for (name, value) in analyzer.config.values.sorted(by: { $0.key < $1.key }) {
            key += "config \(name)=\(value)\n"
        }
        // kaddr() and a kprobe's func are kernel addresses baked into the code, which KASLR
        // moves at every boot.
        if text.contains("kaddr") || text.contains("func") {
            let boot = (try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8)) ?? "unknown"
            key += "boot \(boot.trimmingCharacters(in: .whitespacesAndNewlines))\n"
        }
        key += "analyzer unsafe=\(analyzer.allowUnsafe) formats=\(analyzer.formatIDBase) "
        key += "read-errors=\(analyzer.reportsProbeReadErrors) filter=\(analyzer.probeFilter ?? "-")\n"
        key += "codegen cpus=\(options.cpuCount) entries=\(options.mapMaxEntries) "
        key += "exclude=\(options.excludedProcess != 0) fired=\(options.firedSlot.map(String.init) ?? "-") "
        key += "target=\(options.targetProcess) "
        key += "ring=\(options.eventRingBytes.map(String.init) ?? "-")\n"
        for parameter in options.positionalParameters { key += "parameter \(parameter.utf8.count) \(parameter)\n" }
        for (name, value) in analyzer.namedParameters.sorted(by: { $0.key < $1.key }) {
            key += "named \(name.utf8.count) \(name) \(value.map { "\($0.utf8.count) \($0)" } ?? "-")\n"
        }
        for (name, value) in ProcessFacts.environment(withPrefix: "BPFTRACE_").sorted(by: { $0.key < $1.key }) {
            key += "environment \(name)=\(value.utf8.count) \(value)\n"
        }
        key += "source \(text.utf8.count)\n" + text
        return key
    }

    func entryPath(for material: String) -> String {
        var hash = FNV1a()
        hash.add(Array(material.utf8)[...])
        return directory + "/" + String(hash.value, radix: 16) + ".bpfc"
    }

    // MARK: Entries on disk

    /// magic, key, then per program its function starts and instructions, then a checksum
    /// of everything before it; integers little-endian.
    static let magic = Array("BPFSHCC1".utf8)

    func load(_ path: String, material: String) -> [ProgramCode]? {
        guard Self.isPrivate(directory) else { return nil }
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, Self.isPrivate(info), info.st_size > 0, info.st_size < 16 << 20 else {
            return nil
        }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        let count = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count == bytes.count else { return nil }
        return Self.decode(bytes, material: material)
    }

    static func decode(_ bytes: [UInt8], material: String) -> [ProgramCode]? {
        guard bytes.count >= magic.count + 8 else { return nil }
        var checksum = FNV1a()
        checksum.add(bytes[..<(bytes.count - 8)])
        var reader = ByteReader(bytes: bytes)
        guard reader.bytes(magic.count) == magic[...] else { return nil }
        guard let keyLength = reader.u32(), let key = reader.bytes(Int(keyLength)), key.elementsEqual(material.utf8),
            let programs = reader.u32(), programs < 100_000
        else { return nil }
        var code: [ProgramCode] = []
        for _ in 0..<programs {
            guard let startCount = reader.u32(), startCount < 1 << 20 else { return nil }
            var starts: [Int] = []
            for _ in 0..<startCount {
                guard let start = reader.u32() else { return nil }
                starts.append(Int(start))
            }
            guard let instructionCount = reader.u32(), instructionCount < 1 << 22 else { return nil }
            var instructions: [UInt64] = []
            instructions.reserveCapacity(Int(instructionCount))
            for _ in 0..<instructionCount {
                guard let word = reader.u64() else { return nil }
                instructions.append(word)
            }
            guard !instructions.isEmpty, starts.allSatisfy({ $0 < instructions.count }) else { return nil }
            code.append(ProgramCode(instructions: instructions, functionStarts: starts))
        }
        guard let stored = reader.u64(), reader.atEnd, stored == checksum.value else { return nil }
        return code
    }

    static func encode(_ code: [ProgramCode], material: String) -> [UInt8] {
        var bytes = magic
        func u32(_ value: Int) { withUnsafeBytes(of: UInt32(value).littleEndian) { bytes += $0 } }
        func u64(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
        let key = Array(material.utf8)
        u32(key.count)
        bytes += key
        u32(code.count)
        for program in code {
            u32(program.functionStarts.count)
            program.functionStarts.forEach(u32)
            u32(program.instructions.count)
            program.instructions.forEach(u64)
        }
        var checksum = FNV1a()
        checksum.add(bytes[...])
        u64(checksum.value)
        return bytes
    }

    /// Writes the entry through a temporary file renamed into place; a failure only means
    /// no entry (the cache is an optimization, never a reason to fail a run).
    func store(_ code: [ProgramCode], material: String, at path: String) {
        if mkdir(directory, 0o700) != 0 && errno != EEXIST {
            // The parent may be missing too (a fresh ~/.cache).
            let parent = (directory as NSString).deletingLastPathComponent
            mkdir(parent, 0o700)
            guard mkdir(directory, 0o700) == 0 || errno == EEXIST else { return }
        }
        guard Self.isPrivate(directory) else { return }
        let temporary = path + ".\(getpid()).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { return }
        let bytes = Self.encode(code, material: material)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        if written != bytes.count || rename(temporary, path) != 0 { unlink(temporary) }
    }

    /// A directory only this user can write (no other user could have planted an entry).
    static func isPrivate(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR && isPrivate(info)
    }

    static func isPrivate(_ info: stat) -> Bool {
        info.st_uid == geteuid() && info.st_mode & 0o022 == 0
    }
}

/// 64-bit FNV-1a: a checksum and a file name, not a defence (the key inside is compared).
/// FNV-1a over 8-byte little-endian words, then the remaining bytes: a byte at a time, the
/// multiply chain made hashing the BTF sample a quarter of a millisecond of every start.
struct FNV1a {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let prime: UInt64 = 0x0000_0100_0000_01B3
    mutating func add(_ bytes: ArraySlice<UInt8>) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset + 8 <= raw.count {
                value = (value ^ UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
                    &* FNV1a.prime
                offset += 8
            }
            while offset < raw.count {
                value = (value ^ UInt64(raw[offset])) &* FNV1a.prime
                offset += 1
            }
        }
    }
}

/// Reads little-endian integers from bytes; nil past the end.
struct ByteReader {
    let bytes: [UInt8]
    var offset = 0
    var atEnd: Bool { offset == bytes.count }

    mutating func bytes(_ count: Int) -> ArraySlice<UInt8>? {
        guard count >= 0, offset + count <= bytes.count else { return nil }
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }

    mutating func u32() -> UInt32? {
        bytes(4).map { $0.reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) } }
    }

    mutating func u64() -> UInt64? {
        bytes(8).map { $0.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }
    }
}
