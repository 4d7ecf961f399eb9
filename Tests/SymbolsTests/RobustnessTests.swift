import TestRandom
import XCTest

@testable import Symbols

/// Bad input of every kind must give an error value, never a crash.
final class RobustnessTests: XCTestCase {
    func testMissingFile() {
        XCTAssertThrowsError(try ElfSymbolTable(path: "/nonexistent/libnothing.so")) { error in
            guard case .cannotRead(let path, let code)? = error as? SymbolError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, "/nonexistent/libnothing.so")
            XCTAssertEqual(code, ENOENT)
        }
        XCTAssertThrowsError(try ElfSymbolTable.load(path: "/nonexistent/libnothing.so"))
    }

    func testDirectoryAndEmptyFile() {
        XCTAssertThrowsError(try ElfSymbolTable(path: "/tmp"))
        let empty = temporaryFile([])
        defer { unlink(empty) }
        XCTAssertThrowsError(try ElfSymbolTable(path: empty)) { error in
            guard case .notELF(let path, _)? = error as? SymbolError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, empty)
        }
    }

    func testRandomBytes() {
        var generator = SeededGenerator(seed: 1)
        for round in 0..<300 {
            var bytes = (0..<Int.random(in: 0..<8192, using: &generator)).map { _ in
                UInt8.random(in: 0...255, using: &generator)
            }
            if round % 2 == 1 && bytes.count >= 6 {
                // Valid magic and class so libelf goes past the first check.
                bytes.replaceSubrange(0..<6, with: [0x7f, 0x45, 0x4c, 0x46, 2, 1])
            }
            let path = temporaryFile(bytes)
            defer { unlink(path) }
            if let table = try? ElfSymbolTable(path: path) {
                _ = table.lookup(UInt64.random(in: 0...UInt64.max, using: &generator))
            }
        }
    }

    func testTruncatedAndCorruptedLibc() throws {
        let libcPath = try XCTUnwrap(mappedLibcPath())
        let original = readFile(libcPath)
        XCTAssertGreaterThan(original.count, 100_000)
        var generator = SeededGenerator(seed: 99)
        var failures = 0
        for round in 0..<120 {
            var bytes = original
            if round < 40 {
                bytes.removeLast(Int.random(in: 1..<bytes.count, using: &generator))
            } else {
                // Damage the headers and tables libelf trusts: ELF header, program headers,
                // section headers at the end of the file, and the dynamic symbol table.
                for _ in 0..<Int.random(in: 1...32, using: &generator) {
                    let region = Int.random(in: 0..<3, using: &generator)
                    let index: Int
                    switch region {
                    case 0: index = Int.random(in: 0..<0x400, using: &generator)
                    case 1: index = bytes.count - 1 - Int.random(in: 0..<0x1000, using: &generator)
                    default: index = Int.random(in: 0x8000..<0x30000, using: &generator)
                    }
                    bytes[index] = UInt8.random(in: 0...255, using: &generator)
                }
            }
            let path = temporaryFile(bytes)
            defer { unlink(path) }
            do {
                let table = try ElfSymbolTable(path: path, useDebugFile: false)
                _ = table.lookup(0x98930)
                _ = try? table.uprobeOffset(of: "malloc")
                _ = table.functionNames(matching: "*alloc*")
            } catch {
                failures += 1
                XCTAssertFalse(error.description.isEmpty)
            }
        }
        XCTAssertGreaterThan(failures, 0, "some damaged files should have been refused")
    }

    func testCorruptLdSoCache() {
        var generator = SeededGenerator(seed: 5)
        let real = readFile("/etc/ld.so.cache")
        for round in 0..<200 {
            var bytes = round % 2 == 0 ? real : (0..<512).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if !bytes.isEmpty {
                for _ in 0..<8 {
                    bytes[Int.random(in: 0..<min(bytes.count, 4096), using: &generator)] = UInt8.random(
                        in: 0...255,
                        using: &generator)
                }
                bytes.removeLast(Int.random(in: 0..<bytes.count, using: &generator))
            }
            _ = LdSoCache(parsing: bytes)
        }
    }
}
