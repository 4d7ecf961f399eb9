import Symbols
import TestGate
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// The kernel's symbol table; skips (non-root only) when this user may not see addresses.
/// As root a failure is a real failure.
func requireKallsyms(file: StaticString = #filePath, line: UInt = #line) throws -> KallsymsTable {
    do {
        return try KernelSymbols.shared.table()
    } catch {
        try KernelTestGate.require("needs root to read kernel addresses: \(error)", file: file, line: line)
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
