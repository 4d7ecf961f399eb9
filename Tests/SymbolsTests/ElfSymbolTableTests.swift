import Foundation
import TestGate
import XCTest

@testable import Symbols

final class ElfSymbolTableTests: XCTestCase {
    private func libc() throws -> ElfSymbolTable {
        let path = try XCTUnwrap(mappedLibcPath(), "this process maps no libc.so.6")
        return try ElfSymbolTable.load(path: path)
    }

    func testLibcIsPositionIndependentWithExecutableSegment() throws {
        let table = try libc()
        XCTAssertEqual(table.fileType, .sharedObject)
        XCTAssertTrue(table.isPositionIndependent)
        XCTAssertFalse(table.isPIEExecutable)
        XCTAssertTrue(table.segments.contains { $0.isExecutable })
        XCTAssertGreaterThan(table.functions.count, 1000)
        XCTAssertNotNil(table.buildID)
    }

    func testMallocHasPlausibleUprobeOffset() throws {
        let table = try libc()
        let malloc = try XCTUnwrap(table.function(named: "malloc"))
        XCTAssertGreaterThan(malloc.size, 0)
        let offset = try table.uprobeOffset(of: "malloc")
        let text = try XCTUnwrap(table.segments.first { $0.isExecutable })
        XCTAssertTrue(
            offset >= text.fileOffset && offset < text.fileOffset + text.fileSize,
            "malloc's file offset 0x\(String(offset, radix: 16)) is outside the code segment")
        XCTAssertEqual(try table.uprobeOffset(of: "malloc", plus: 4), offset + 4)

        // The offset must be where this process's own malloc was loaded from.
        let address = UInt64(UInt(bitPattern: try XCTUnwrap(dlsym(nil, "malloc"))))
        let maps = try ProcessMaps.read(pid: getpid())
        let mapping = try XCTUnwrap(maps.executableMapping(containing: address))
        XCTAssertEqual(mapping.fileOffset(of: address), offset)
    }

    func testLookupGivesNameAndOffset() throws {
        let table = try libc()
        let malloc = try XCTUnwrap(table.function(named: "malloc"))
        let hit = try XCTUnwrap(table.lookup(malloc.value + 10))
        XCTAssertEqual(hit.name, "malloc", "the familiar alias wins over __libc_malloc")
        XCTAssertEqual(hit.offset, 10)
        XCTAssertEqual(table.lookup(malloc.value)?.offset, 0)
        XCTAssertNil(table.lookup(0), "address zero is in no function")
    }

    func testUnknownNameIsAnError() throws {
        let table = try libc()
        XCTAssertThrowsError(try table.uprobeOffset(of: "no_such_function_here")) { error in
            XCTAssertEqual(error as? SymbolError, .symbolNotFound(name: "no_such_function_here", path: table.path))
        }
    }

    func testWildcardExpansion() throws {
        let path = try XCTUnwrap(mappedLibcPath())
        let names = try ElfSymbolTable.functions(in: path, matching: "pthread_mutex_*lock")
        XCTAssertTrue(names.contains("pthread_mutex_lock"))
        XCTAssertTrue(names.contains("pthread_mutex_unlock"))
        XCTAssertEqual(names, names.sorted())
        XCTAssertEqual(Set(names).count, names.count)

        let bash = try LibraryResolver().resolve("bash")
        XCTAssertTrue(try ElfSymbolTable.functions(in: bash, matching: "read*").contains("readline"))
        XCTAssertTrue(try ElfSymbolTable.load(path: bash).isPIEExecutable)
    }

    func testCacheSharesTablesAcrossPaths() throws {
        let path = try XCTUnwrap(mappedLibcPath())
        let cache = ElfCache()
        let first = try cache.table(for: path)
        let second = try cache.table(for: "/proc/self/root" + path)
        XCTAssertTrue(first === second)
        XCTAssertEqual(cache.count, 1)
    }

    func testDebugFileSuppliesStaticFunctions() throws {
        let table = try libc()
        let buildID = try XCTUnwrap(table.buildID, "libc carries a build id (as asserted above)")
        let debugPath = "/usr/lib/debug/.build-id/\(buildID.prefix(2))/\(buildID.dropFirst(2)).debug"
        try KernelTestGate.require(access(debugPath, R_OK) == 0, "no libc debug symbols installed (libc6-dbg)")
        XCTAssertEqual(table.debugFile, debugPath)
        // A libc-internal static function that only .symtab names.
        XCTAssertNotNil(table.function(named: "_int_malloc"))
        let undebugged = try ElfSymbolTable(path: table.path, useDebugFile: false)
        XCTAssertNil(undebugged.function(named: "_int_malloc"))
        XCTAssertGreaterThan(table.functions.count, undebugged.functions.count)
    }

    /// The same path without libc6-dbg: a tiny library built here with a build id, stripped,
    /// its .symtab kept in a separate file that .gnu_debuglink names under `.debug/`.
    func testDebugLinkFileSuppliesStaticFunctions() throws {
        var template = Array((FileManager.default.temporaryDirectory.path + "/bpfsh-elf-fixture-XXXXXX").utf8CString)
        let directory = try XCTUnwrap(
            template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!).map { String(cString: $0) } })
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let source = directory + "/fixture.c"
        try """
        __attribute__((noinline, used)) static int fixture_hidden(int x) { return x * 3 + 1; }
        int fixture_exported(int x) { return fixture_hidden(x) + 2; }
        """.write(toFile: source, atomically: true, encoding: .utf8)
        let library = directory + "/libfixture.so"
        try FileManager.default.createDirectory(atPath: directory + "/.debug", withIntermediateDirectories: true)
        let debugFile = directory + "/.debug/libfixture.so.debug"
        for command in [
            ["cc", "-O1", "-shared", "-fPIC", "-Wl,--build-id", "-o", library, source],
            ["objcopy", "--only-keep-debug", library, debugFile],
            ["objcopy", "--strip-all", "--add-gnu-debuglink=" + debugFile, library],
        ] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = command
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            do { try process.run() } catch { throw XCTSkip("cannot run \(command[0]) to build the fixture: \(error)") }
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                throw XCTSkip("\(command.joined(separator: " ")) failed (needs cc and binutils)")
            }
        }

        let table = try ElfSymbolTable(path: library)
        XCTAssertNotNil(table.buildID, "linked with --build-id")
        XCTAssertEqual(table.debugFile, debugFile)
        XCTAssertNotNil(table.function(named: "fixture_exported"))
        XCTAssertNotNil(table.function(named: "fixture_hidden"), "a static function only the debug file names")
        let undebugged = try ElfSymbolTable(path: library, useDebugFile: false)
        XCTAssertNil(undebugged.debugFile)
        XCTAssertNotNil(undebugged.function(named: "fixture_exported"), ".dynsym survives strip")
        XCTAssertNil(undebugged.function(named: "fixture_hidden"))
    }

    func testSyntheticTableLookupRules() {
        let functions = [
            ElfFunction(name: "outer", value: 0x1000, size: 0x100),
            ElfFunction(name: "inner", value: 0x1010, size: 0x10, binding: .local),
            ElfFunction(name: "__alias", value: 0x2000, size: 0x20),
            ElfFunction(name: "alias", value: 0x2000, size: 0x20, binding: .weak),
            ElfFunction(name: "asm_no_size", value: 0x3000, size: 0),
            ElfFunction(name: "after", value: 0x3040, size: 0x10),
        ]
        let segment = LoadSegment(
            virtualAddress: 0x1000, memorySize: 0x3000, fileOffset: 0, fileSize: 0x3000,
            isExecutable: true)
        let table = ElfSymbolTable(
            path: "synthetic", fileType: .sharedObject, segments: [segment], functions: functions)
        XCTAssertEqual(table.lookup(0x1015)?.name, "inner")
        XCTAssertEqual(table.lookup(0x1025)?.name, "outer", "nested symbol ends, enclosing one still covers")
        XCTAssertEqual(table.lookup(0x1025)?.offset, 0x25)
        XCTAssertNil(table.lookup(0x1100))
        XCTAssertEqual(table.lookup(0x2004)?.name, "alias")
        XCTAssertEqual(table.lookup(0x3020)?.name, "asm_no_size")
        XCTAssertEqual(table.lookup(0x3044)?.name, "after")
        XCTAssertNil(table.lookup(0x3050))
        XCTAssertEqual(table.fileOffset(ofVirtualAddress: 0x1010), 0x10)
        XCTAssertNil(table.fileOffset(ofVirtualAddress: 0x4000))
        XCTAssertEqual(table.virtualAddress(ofFileOffset: 0x2000), 0x3000)
    }
}
