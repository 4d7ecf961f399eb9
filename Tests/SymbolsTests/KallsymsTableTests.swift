import TestRandom
import XCTest

@testable import Symbols

final class KallsymsTableTests: XCTestCase {
    private let sample = """
        0000000000000000 A fixed_percpu_data
        ffffffff81000000 T srso_alias_untrain_ret
        ffffffff81000000 T _stext
        ffffffff81000000 T _text
        ffffffff81001000 t do_one_initcall
        ffffffff81001200 D some_data_near_code
        ffffffff81002000 T vfs_read
        not a line at all
        ffffffff81003000 W weak_helper
        ffffffff82000000 d jiffies_data
        ffffffffc0001000 t ext4_fill_super\t[ext4]
        ffffffffc0002000 t bpf_prog_6deef7357e7b4530_sys\t[bpf]

        """

    func testResolvesToEnclosingCodeSymbol() {
        let table = KallsymsTable(parsing: Array(sample.utf8))
        XCTAssertEqual(table.count, 11)
        XCTAssertEqual(table.resolve(0xffffffff81002000)?.name, "vfs_read")
        XCTAssertEqual(table.resolve(0xffffffff81002000)?.offset, 0)
        XCTAssertEqual(table.resolve(0xffffffff810020a4)?.offset, 0xa4)
        // Data symbols never name code addresses.
        XCTAssertEqual(table.resolve(0xffffffff81001234)?.name, "do_one_initcall")
        XCTAssertEqual(table.resolve(0xffffffff81001234)?.offset, 0x234)
        XCTAssertNil(table.resolve(0x7fff_0000_1000), "user addresses are below every kernel symbol")
    }

    func testAliasesAndModules() {
        let table = KallsymsTable(parsing: Array(sample.utf8))
        // Of names sharing an address, the last in file order, like bcc's upper-bound search.
        XCTAssertEqual(table.resolve(0xffffffff81000010)?.name, "_text")
        let module = table.resolve(0xffffffffc0001010)
        XCTAssertEqual(module?.name, "ext4_fill_super")
        XCTAssertEqual(module?.module, "ext4")
        XCTAssertEqual(module?.type, "t")
        XCTAssertNil(table.resolve(0xffffffff81002000)?.module)
        XCTAssertEqual(table.resolve(0xffffffffc0002008)?.module, "bpf")
    }

    func testAddressOfNameIncludesDataSymbols() {
        let table = KallsymsTable(parsing: Array(sample.utf8))
        XCTAssertEqual(table.address(of: "vfs_read"), 0xffffffff81002000)
        XCTAssertEqual(table.address(of: "jiffies_data"), 0xffffffff82000000)
        XCTAssertEqual(table.address(of: "ext4_fill_super"), 0xffffffffc0001000)
        XCTAssertEqual(table.address(of: "ext4_fill_super", module: "ext4"), 0xffffffffc0001000)
        XCTAssertNil(table.address(of: "ext4_fill_super", module: "xfs"))
        XCTAssertNil(table.address(of: "vfs_rea"))
        XCTAssertNil(table.address(of: "vfs_read_longer"))
    }

    func testHiddenAddressesAreReported() throws {
        let hidden = "0000000000000000 T _text\n0000000000000000 T vfs_read\n"
        XCTAssertTrue(KallsymsTable(parsing: Array(hidden.utf8)).addressesHidden)
        let path = temporaryFile(Array(hidden.utf8))
        defer { unlink(path) }
        let symbols = KernelSymbols(path: path)
        XCTAssertThrowsError(try symbols.table()) { error in
            XCTAssertEqual(error as? SymbolError, .kernelAddressesHidden(path: path))
        }
        XCTAssertEqual(symbols.symbolize(0xffffffff81000000), "0xffffffff81000000")
        XCTAssertNil(symbols.address(of: "vfs_read"))
    }

    func testMissingFileIsAnErrorAndLookupsFallBackToHex() {
        let symbols = KernelSymbols(path: "/nonexistent/kallsyms")
        XCTAssertThrowsError(try symbols.table()) { error in
            guard case .cannotRead(let path, _)? = error as? SymbolError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, "/nonexistent/kallsyms")
        }
        XCTAssertEqual(symbols.symbolize(0xffffffff81002000), "0xffffffff81002000")
        XCTAssertEqual(symbols.ksym(0x1234), "0x1234")
    }

    func testSymbolizeFormatsLikeBpftraceKstack() {
        let path = temporaryFile(Array(sample.utf8))
        defer { unlink(path) }
        let symbols = KernelSymbols(path: path)
        XCTAssertEqual(symbols.symbolize(0xffffffff81002000), "vfs_read+0")
        XCTAssertEqual(symbols.symbolize(0xffffffff810024d2), "vfs_read+1234")
        XCTAssertEqual(symbols.ksym(0xffffffff810024d2), "vfs_read")
        XCTAssertEqual(symbols.symbolize(0x1000), "0x1000")
    }

    func testRandomBytesNeverCrash() {
        var generator = SeededGenerator(seed: 42)
        for round in 0..<300 {
            let count = Int.random(in: 0..<4096, using: &generator)
            var bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if round % 2 == 0 {
                // Mostly plausible text with random damage.
                bytes = Array(sample.utf8).map { byte in
                    Int.random(in: 0..<20, using: &generator) == 0 ? UInt8.random(in: 0...255, using: &generator) : byte
                }
            }
            let table = KallsymsTable(parsing: bytes)
            _ = table.resolve(UInt64.random(in: 0...UInt64.max, using: &generator))
            _ = table.address(of: "vfs_read")
        }
    }
}
