import XCTest

@testable import Symbols

/// Against the running kernel's /proc/kallsyms.
final class KernelSymbolsTests: XCTestCase {
    func testKnownSymbolsRoundTrip() throws {
        let table = try requireKallsyms()
        let kernel = KernelSymbols.shared
        XCTAssertGreaterThan(table.codeSymbolCount, 10_000)
        var checked = 0
        for name in ["vfs_read", "do_sys_openat2", "__x64_sys_getpid", "schedule", "ksys_write"] {
            guard let address = kernel.address(of: name) else { continue }
            let symbol = try XCTUnwrap(kernel.resolve(address))
            XCTAssertEqual(symbol.address, address)
            XCTAssertEqual(symbol.offset, 0)
            // Another name at the same address is a legitimate alias of it.
            XCTAssertEqual(kernel.address(of: symbol.name), address, "\(symbol.name) is not an alias of \(name)")
            XCTAssertEqual(kernel.symbolize(address), symbol.name + "+0")
            let inside = try XCTUnwrap(kernel.resolve(address + 7))
            if inside.address == address {
                XCTAssertEqual(kernel.symbolize(address + 7), symbol.name + "+7")
                XCTAssertEqual(kernel.ksym(address + 7), symbol.name)
            }
            checked += 1
        }
        XCTAssertGreaterThanOrEqual(checked, 3, "too few well-known kernel functions found")
    }

    func testEveryTextSymbolWithAUniqueAddressResolvesToItself() throws {
        _ = try requireKallsyms()
        let kernel = KernelSymbols.shared
        let text = String(decoding: readFile("/proc/kallsyms"), as: UTF8.self)
        var addresses: [String: UInt64] = [:]
        var counts: [UInt64: Int] = [:]
        for line in text.split(separator: "\n").prefix(20_000) {
            let parts = line.split(separator: " ")
            guard parts.count >= 3, parts[1] == "T" || parts[1] == "t", let address = UInt64(parts[0], radix: 16)
            else { continue }
            addresses[String(parts[2].split(separator: "\t")[0])] = address
            counts[address, default: 0] += 1
        }
        var checked = 0
        // A sample: each `address(of:)` is a linear scan, and this is a debug build.
        for (name, address) in addresses.sorted(by: { $0.key < $1.key }).prefix(1500)
        where counts[address] == 1 && kernel.address(of: name) == address {
            XCTAssertEqual(kernel.ksym(address), name)
            checked += 1
        }
        XCTAssertGreaterThan(checked, 500)
    }

    func testUserAddressesAreHex() throws {
        _ = try requireKallsyms()
        XCTAssertEqual(KernelSymbols.shared.symbolize(0x7f00_1234_5678), "0x7f0012345678")
    }
}
