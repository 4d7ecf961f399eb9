import Foundation
import Language
import Session
import Specs
import Tables
import XCTest

/// cgroup_path(): an id shown as the cgroup's path in each hierarchy holding it.
final class CgroupPathTests: XCTestCase {
    let decoder = ValueDecoder(symbolizer: FakeSymbolizer())

    private func text(_ value: UInt64) -> String {
        let decoded = decoder.decode(.named(.cgroupPath), ArraySlice(withUnsafeBytes(of: value.littleEndian) { Array($0) }))
        if case .symbol(let s) = decoded { return s }
        return "\(decoded)"
    }

    func testANewCgroupIsFoundByItsId() throws {
        let root = "/sys/fs/cgroup/unified"
        var info = stat()
        guard getuid() == 0, stat(root, &info) == 0 else { throw XCTSkip("needs root and cgroup2 at \(root)") }
        let name = "bpfsh-cgroup-path-\(getpid())"
        let directory = root + "/" + name
        guard mkdir(directory, 0o755) == 0 else { throw XCTSkip("cannot create \(directory)") }
        defer { rmdir(directory) }
        XCTAssertEqual(stat(directory, &info), 0)
        let shown = text(UInt64(info.st_ino))
        XCTAssertTrue(shown.split(separator: ";").contains("unified:/\(name)"), shown)
        XCTAssertEqual(text(0xffff_ffff_ffff), "")
    }
}
