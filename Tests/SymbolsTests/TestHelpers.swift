import Symbols
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// Skips a test that needs a privilege or feature the machine lacks; with BPFSH_REQUIRE_KERNEL_TESTS=1
/// (set in CI, which runs as root) the skip is a failure instead, so a CI run cannot pass by
/// silently skipping.
func skipUnless(_ condition: Bool, _ reason: String, file: StaticString = #filePath, line: UInt = #line) throws {
    guard !condition else { return }
    if getenv("BPFSH_REQUIRE_KERNEL_TESTS").map({ String(cString: $0) }) == "1" {
        XCTFail("required test could not run: \(reason)", file: file, line: line)
        throw XCTSkip("failed: \(reason)")
    }
    throw XCTSkip(reason)
}

/// The kernel's symbol table; skips (non-root only) when this user may not see addresses.
/// As root a failure is a real failure.
func requireKallsyms(file: StaticString = #filePath, line: UInt = #line) throws -> KallsymsTable {
    do {
        return try KernelSymbols.shared.table()
    } catch {
        try skipUnless(geteuid() == 0, "needs root to read kernel addresses: \(error)", file: file, line: line)
        throw error
    }
}

/// A fresh temporary file holding `bytes`; removed by the caller.
func temporaryFile(_ bytes: [UInt8], name: String = "symbols-test") -> String {
    var template = Array("/tmp/\(name)-XXXXXX".utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    precondition(fd >= 0, "mkstemp failed")
    bytes.withUnsafeBytes { raw in
        var written = 0
        while written < raw.count {
            let count = write(fd, raw.baseAddress! + written, raw.count - written)
            precondition(count > 0, "write failed")
            written += count
        }
    }
    close(fd)
    return template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
}

func readFile(_ path: String) -> [UInt8] {
    guard let handle = fopen(path, "rb") else { return [] }
    defer { fclose(handle) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let count = fread(&buffer, 1, buffer.count, handle)
        if count == 0 { break }
        bytes += buffer[0..<count]
    }
    return bytes
}

/// A deterministic generator, so a failing random-input case can be replayed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The path of the libc this test process runs on, from its own maps.
func mappedLibcPath() -> String? {
    let text = String(decoding: readFile("/proc/self/maps"), as: UTF8.self)
    for line in text.split(separator: "\n") where line.contains("r-xp") {
        if let path = line.split(separator: " ", omittingEmptySubsequences: true).last,
            path.hasSuffix("/libc.so.6")
        {
            return String(path)
        }
    }
    return nil
}

func realPath(_ path: String) -> String? {
    guard let resolved = realpath(path, nil) else { return nil }
    defer { free(resolved) }
    return String(cString: resolved)
}
