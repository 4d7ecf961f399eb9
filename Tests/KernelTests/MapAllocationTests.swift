import CBPF
import TestSupport
import XCTest

@testable import Kernel

/// Per-CPU hash maps are allocated as entries arrive (their preallocation was most of a
/// one-liner's start), and still hold no more than their declared entries.
final class MapAllocationTests: XCTestCase {
    func testParsesKernelReleases() throws {
        XCTAssertTrue(try XCTUnwrap(MapAllocation.parseVersion("6.18.0-1-amd64")) == (6, 18))
        XCTAssertTrue(try XCTUnwrap(MapAllocation.parseVersion("5.15.167")) == (5, 15))
        XCTAssertNil(MapAllocation.parseVersion("weird"))
        XCTAssertNil(MapAllocation.parseVersion("6"))
    }

    func testOnlyPerCPUHashMapsAllocateOnInsert() throws {
        let perCPU = BPF_MAP_TYPE_PERCPU_HASH.rawValue
        XCTAssertEqual(MapAllocation.flags(for: BPF_MAP_TYPE_HASH.rawValue), 0)
        XCTAssertEqual(MapAllocation.flags(for: BPF_MAP_TYPE_LRU_PERCPU_HASH.rawValue), 0, "LRU maps must preallocate")
        XCTAssertEqual(
            MapAllocation.flags(for: perCPU),
            MapAllocation.insertTimeAllocationIsSafe ? UInt32(BPF_F_NO_PREALLOC) : 0)
    }

    func testPerCPUHashMapAllocatesOnInsertAndStaysBounded() throws {
        try KernelTestGate.require()
        let map = try LoadedMap(
            name: "alloc_test", type: BPF_MAP_TYPE_PERCPU_HASH.rawValue, keySize: 8, valueSize: 8, maxEntries: 4)
        XCTAssertEqual(map.allocatesOnInsert, MapAllocation.insertTimeAllocationIsSafe)
        let plain = try LoadedMap(
            name: "alloc_plain", type: BPF_MAP_TYPE_HASH.rawValue, keySize: 8, valueSize: 8, maxEntries: 4)
        XCTAssertFalse(plain.allocatesOnInsert)
        func key(_ n: UInt8) -> [UInt8] { [n, 0, 0, 0, 0, 0, 0, 0] }
        for n: UInt8 in 1...4 { try map.update(key(n), [n, 0, 0, 0, 0, 0, 0, 0]) }
        XCTAssertThrowsError(try map.update(key(5), [5, 0, 0, 0, 0, 0, 0, 0]), "a fifth entry exceeds max_entries")
        try map.update(key(2), [9, 0, 0, 0, 0, 0, 0, 0])
        XCTAssertEqual(map.lookup(key(2))?.first?.first, 9, "an existing key updates in place")
        XCTAssertEqual(map.keys().count, 4)
    }
}
