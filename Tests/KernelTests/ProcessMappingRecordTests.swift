import XCTest

@testable import Kernel

/// The perf records `ProcessMappingWatcher` follows, parsed from their bytes as the kernel
/// lays them out (no kernel needed).
final class ProcessMappingRecordTests: XCTestCase {
    func header(_ type: UInt32, misc: UInt16 = 0, size: Int) -> [UInt8] {
        bytes(type) + [UInt8(misc & 0xff), UInt8(misc >> 8), UInt8(size & 0xff), UInt8(size >> 8)]
    }
    func bytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] { withUnsafeBytes(of: value.littleEndian) { Array($0) } }

    func testMmap2() {
        var body = bytes(UInt32(4242)) + bytes(UInt32(4243)) + bytes(UInt64(0x7f00_0000_1000)) + bytes(UInt64(0x2000))
        body += bytes(UInt64(0x1000)) + bytes(UInt32(8)) + bytes(UInt32(1)) + bytes(UInt64(77)) + bytes(UInt64(0))
        body += bytes(UInt32(5)) + bytes(UInt32(2)) + Array("/usr/lib/libc.so.6".utf8) + [0, 0, 0, 0, 0, 0]
        let record = header(10, size: body.count + 8) + body
        XCTAssertEqual(
            ProcessMappingWatcher.parse(record),
            .mapped(
                pid: 4242, start: 0x7f00_0000_1000, length: 0x2000, fileOffset: 0x1000, major: 8, minor: 1, inode: 77,
                path: "/usr/lib/libc.so.6"))
    }

    func testExecForkAndExit() {
        let exec =
            header(3, misc: 1 << 13, size: 24) + bytes(UInt32(10)) + bytes(UInt32(10)) + Array("true\0\0\0\0".utf8)
        XCTAssertEqual(ProcessMappingWatcher.parse(exec), .executed(pid: 10))
        let rename = header(3, size: 24) + bytes(UInt32(10)) + bytes(UInt32(10)) + Array("name\0\0\0\0".utf8)
        XCTAssertNil(ProcessMappingWatcher.parse(rename), "a comm change without exec keeps the mappings")
        func task(_ type: UInt32, _ pid: UInt32, _ ppid: UInt32, _ tid: UInt32, _ ptid: UInt32) -> [UInt8] {
            header(type, size: 32) + bytes(pid) + bytes(ppid) + bytes(tid) + bytes(ptid) + bytes(UInt64(0))
        }
        XCTAssertEqual(ProcessMappingWatcher.parse(task(7, 20, 10, 20, 10)), .forked(pid: 20, parent: 10))
        XCTAssertNil(ProcessMappingWatcher.parse(task(7, 20, 20, 21, 20)), "a new thread shares its mappings")
        XCTAssertEqual(ProcessMappingWatcher.parse(task(4, 20, 10, 20, 10)), .exited(pid: 20))
        XCTAssertNil(ProcessMappingWatcher.parse(task(4, 20, 20, 21, 20)), "a thread's exit is not the process's")
        let lost = header(2, size: 24) + bytes(UInt64(1)) + bytes(UInt64(9))
        XCTAssertEqual(ProcessMappingWatcher.parse(lost), .lost(9))
        XCTAssertEqual(ProcessMappingWatcher.time(of: lost), 9, "the last 8 bytes: sample_id's time")
    }
}
