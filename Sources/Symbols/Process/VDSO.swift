#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Symbols of the vDSO, read from this process's own copy: the kernel maps the same image
/// into every 64-bit process, so ours names `__vdso_clock_gettime` in any other (bcc does
/// the same).
enum VDSO {
    static let table: ElfSymbolTable? = {
        // Our own [vdso] mapping is the image itself (the AT_SYSINFO_EHDR address).
        guard let maps = try? ProcessMaps.read(path: "/proc/self/maps", pid: getpid()),
            let mapping = maps.mappings.first(where: { $0.path == "[vdso]" && $0.isReadable }),
            let pointer = UnsafeRawPointer(bitPattern: UInt(mapping.start))
        else { return nil }
        let image = UnsafeRawBufferPointer(start: pointer, count: Int(mapping.end - mapping.start))
        return try? ElfSymbolTable(image: image, name: "[vdso]")
    }()
}

/// A JIT's /tmp/perf-PID.map (`START SIZE name` per line, hex without 0x), the convention
/// perf, bcc and bpftrace share for naming code in anonymous memory (V8, the JVM, LuaJIT).
enum PerfMap {
    static func load(pid: Int32) -> ElfSymbolTable? {
        for path in ["/proc/\(pid)/root/tmp/perf-\(pid).map", "/tmp/perf-\(pid).map"] {
            guard let bytes = try? FileIO.readAll(path) else { continue }
            return ElfSymbolTable(
                path: path, fileType: .other(0), segments: [],
                functions: parse(String(decoding: bytes, as: UTF8.self)))
        }
        return nil
    }

    static func parse(_ text: String) -> [ElfFunction] {
        var functions: [ElfFunction] = []
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
            guard parts.count == 3, let start = UInt64(parts[0].replacingPrefix("0x"), radix: 16),
                let size = UInt64(parts[1].replacingPrefix("0x"), radix: 16)
            else { continue }
            functions.append(ElfFunction(name: String(parts[2]), value: start, size: size))
        }
        return functions
    }
}

private extension Substring {
    func replacingPrefix(_ prefix: String) -> Substring {
        hasPrefix(prefix) ? dropFirst(prefix.count) : self
    }
}
