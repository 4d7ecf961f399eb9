import TestRandom
import XCTest

@testable import Symbols

final class ProcessMapsTests: XCTestCase {
    private let sample = """
        55d5c0a00000-55d5c0a2e000 r--p 00000000 fe:00 131090                     /usr/bin/bash
        55d5c0a2e000-55d5c0b0f000 r-xp 0002e000 fe:00 131090                     /usr/bin/bash
        55d5c0b0f000-55d5c0b49000 r--p 0010f000 fe:00 131090                     /usr/bin/bash
        55d5c1e4b000-55d5c1fd6000 rw-p 00000000 00:00 0                          [heap]
        7f1c6e000000-7f1c6e100000 rwxp 00000000 00:00 0 
        7f1c6e28e000-7f1c6e2b4000 r--p 00000000 fe:00 333151                     /usr/lib/x86_64-linux-gnu/libc.so.6
        7f1c6e2b4000-7f1c6e40a000 r-xp 00026000 fe:00 333151                     /usr/lib/x86_64-linux-gnu/libc.so.6
        7f1c6e500000-7f1c6e501000 r-xp 00001000 08:11 42                         /opt/my app/lib with spaces.so \
        (deleted)
        7ffd1c5f0000-7ffd1c5f2000 r-xp 00000000 00:00 0                          [vdso]
        garbage line
        ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]
        """

    func testParsesFieldsAndPaths() throws {
        let maps = ProcessMaps(parsing: sample)
        XCTAssertEqual(maps.mappings.count, 10)
        let libc = try XCTUnwrap(
            maps.mappings.first { $0.path == "/usr/lib/x86_64-linux-gnu/libc.so.6" && $0.isExecutable })
        XCTAssertEqual(libc.start, 0x7f1c6e2b4000)
        XCTAssertEqual(libc.end, 0x7f1c6e40a000)
        XCTAssertEqual(libc.fileOffset, 0x26000)
        XCTAssertEqual(libc.deviceMajor, 0xfe)
        XCTAssertEqual(libc.deviceMinor, 0)
        XCTAssertEqual(libc.inode, 333151)
        XCTAssertTrue(libc.isReadable)
        XCTAssertFalse(libc.isWritable)
        XCTAssertFalse(libc.isShared)
        XCTAssertTrue(libc.isFileBacked)

        let spaced = try XCTUnwrap(maps.mappings.first { $0.inode == 42 })
        XCTAssertEqual(spaced.path, "/opt/my app/lib with spaces.so")
        XCTAssertTrue(spaced.isDeleted)
        XCTAssertEqual(spaced.deviceMajor, 8)
        XCTAssertEqual(spaced.deviceMinor, 0x11)

        let anonymous = try XCTUnwrap(maps.mappings.first { $0.start == 0x7f1c6e000000 })
        XCTAssertNil(anonymous.path)
        XCTAssertFalse(anonymous.isFileBacked)
        XCTAssertFalse(try XCTUnwrap(maps.mappings.first { $0.path == "[vdso]" }).isFileBacked)
    }

    func testExecutableMappingLookup() {
        let maps = ProcessMaps(parsing: sample)
        XCTAssertEqual(maps.executableMappings.count, 6)
        XCTAssertEqual(maps.executableMapping(containing: 0x55d5c0a2e000)?.path, "/usr/bin/bash")
        XCTAssertEqual(maps.executableMapping(containing: 0x55d5c0b0efff)?.path, "/usr/bin/bash")
        XCTAssertNil(maps.executableMapping(containing: 0x55d5c0b0f000), "end is exclusive, and r--p is not code")
        XCTAssertNil(maps.executableMapping(containing: 0x55d5c0a00010), "read-only segment is not code")
        XCTAssertEqual(maps.executableMapping(containing: 0x7f1c6e2b5234)?.fileOffset(of: 0x7f1c6e2b5234), 0x27234)
        XCTAssertEqual(maps.executableMapping(containing: 0x7ffd1c5f0100)?.path, "[vdso]")
        XCTAssertNil(maps.executableMapping(containing: 0x1000))
    }

    func testOwnMapsContainLibc() throws {
        let maps = try ProcessMaps.read(pid: getpid())
        XCTAssertTrue(maps.executableMappings.contains { $0.path?.hasSuffix("/libc.so.6") == true })
    }

    func testExitedProcessIsProcessGone() {
        XCTAssertThrowsError(try ProcessMaps.read(pid: Int32.max - 1)) { error in
            XCTAssertEqual(error as? SymbolError, .processGone(pid: Int32.max - 1))
        }
    }

    func testRandomTextNeverCrashes() {
        var generator = SeededGenerator(seed: 7)
        let base = Array(sample.utf8)
        for _ in 0..<500 {
            let damaged = base.map { byte in
                Int.random(in: 0..<15, using: &generator) == 0 ? UInt8.random(in: 0...255, using: &generator) : byte
            }
            let maps = ProcessMaps(parsing: String(decoding: damaged, as: UTF8.self))
            for mapping in maps.mappings { XCTAssertLessThanOrEqual(mapping.start, mapping.end) }
            _ = maps.executableMapping(containing: UInt64.random(in: 0...UInt64.max, using: &generator))
        }
    }
}
