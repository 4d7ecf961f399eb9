import Foundation
import TestGate
import XCTest

@testable import Symbols

/// A C-callable function in the (PIE) test executable, to symbolize by its own address.
@_cdecl("bpfsh_symbols_test_marker")
func bpfshSymbolsTestMarker() -> Int32 { 42 }

final class UserSymbolizerTests: XCTestCase {
    private func address(_ name: String) throws -> UInt64 {
        UInt64(UInt(bitPattern: try XCTUnwrap(dlsym(nil, name), "\(name) not found by dlsym")))
    }

    func testOwnLibcFunctions() throws {
        let symbolizer = UserSymbolizer()
        let pid = getpid()
        let getpidAddress = try address("getpid")
        XCTAssertEqual(symbolizer.symbolize(getpidAddress, pid: pid), "getpid+0")
        XCTAssertEqual(symbolizer.symbolize(getpidAddress + 3, pid: pid), "getpid+3")
        XCTAssertEqual(symbolizer.usym(getpidAddress + 3, pid: pid), "getpid")
        let malloc = try XCTUnwrap(symbolizer.resolve(try address("malloc") + 16, pid: pid))
        XCTAssertEqual(malloc.name, "malloc")
        XCTAssertEqual(malloc.offset, 16)
        XCTAssertTrue(malloc.module.hasSuffix("libc.so.6"))
    }

    func testOwnExecutableIsPIEAndSymbolizes() throws {
        let function: @convention(c) () -> Int32 = bpfshSymbolsTestMarker
        let address = UInt64(UInt(bitPattern: unsafeBitCast(function, to: UnsafeRawPointer.self)))
        let symbolizer = UserSymbolizer()
        XCTAssertEqual(symbolizer.symbolize(address, pid: getpid()), "bpfsh_symbols_test_marker+0")
    }

    func testVDSO() throws {
        let maps = try ProcessMaps.read(pid: getpid())
        let vdso = try XCTUnwrap(maps.mappings.first { $0.path == "[vdso]" })
        let table = try XCTUnwrap(VDSO.table)
        let function = try XCTUnwrap(table.functions.first { $0.name.contains("clock_gettime") })
        let address = vdso.start + (try XCTUnwrap(table.fileOffset(ofVirtualAddress: function.value)))
        XCTAssertEqual(UserSymbolizer().usym(address + 1, pid: getpid()), table.lookup(function.value)?.name)
    }

    func testUnknownAddressesAndPidsAreHex() {
        let symbolizer = UserSymbolizer()
        XCTAssertEqual(symbolizer.symbolize(0x1234, pid: getpid()), "0x1234")
        XCTAssertEqual(symbolizer.symbolize(0x7f00_dead_beef, pid: Int32.max - 1), "0x7f00deadbeef")
        XCTAssertEqual(symbolizer.symbolize(0x7f00_dead_beef, pid: 0), "0x7f00deadbeef")
    }

    func testOtherProcessAndAfterItExits() throws {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/sleep")
        child.arguments = ["30"]
        try child.run()
        defer { if child.isRunning { child.terminate() } }
        let pid = child.processIdentifier

        // Wait until the child has exec'ed sleep and mapped libc.
        var childLibc: Mapping?
        for _ in 0..<200 {
            if let maps = try? ProcessMaps.read(pid: pid),
                maps.executableMappings.contains(where: { $0.path?.hasSuffix("/sleep") == true }),
                let libc = maps.executableMappings.first(where: { $0.path?.hasSuffix("/libc.so.6") == true })
            {
                childLibc = libc
                break
            }
            usleep(10_000)
        }
        let libc = try XCTUnwrap(childLibc, "child never mapped libc")
        let table = try ElfSymbolTable.load(path: try XCTUnwrap(libc.path))
        let fileOffset = try table.uprobeOffset(of: "malloc")
        let address = libc.start + fileOffset - libc.fileOffset

        let symbolizer = UserSymbolizer()
        XCTAssertEqual(symbolizer.symbolize(address + 5, pid: pid), "malloc+5")

        child.terminate()
        child.waitUntilExit()
        // Known maps outlive the process; a symbolizer that never saw it gives hex.
        XCTAssertEqual(symbolizer.symbolize(address + 5, pid: pid), "malloc+5")
        XCTAssertEqual(UserSymbolizer().symbolize(address + 5, pid: pid), hexString(address + 5))
        symbolizer.forget(pid: pid)
        XCTAssertEqual(symbolizer.symbolize(address + 5, pid: pid), hexString(address + 5))
    }

    func testPerfMapNamesJITCode() throws {
        // A JIT's map file for our own pid, naming an anonymous executable region.
        let region = mmap(nil, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        try KernelTestGate.require(region != MAP_FAILED, "cannot map anonymous executable memory")
        defer { munmap(region, 4096) }
        let start = UInt64(UInt(bitPattern: region))
        let path = "/tmp/perf-\(getpid()).map"
        let text = "\(String(start, radix: 16)) 40 LazyCompile:*hot_loop app.js:12\n"
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(text.utf8)))
        defer { unlink(path) }
        let symbolizer = UserSymbolizer()
        XCTAssertEqual(symbolizer.symbolize(start + 0x10, pid: getpid()), "LazyCompile:*hot_loop app.js:12+16")
        XCTAssertEqual(symbolizer.symbolize(start + 0x100, pid: getpid()), hexString(start + 0x100))
    }

    func testDemangling() {
        XCTAssertEqual(Demangler.demangle("_ZN4llvm5APInt4flipEv"), "llvm::APInt::flip()")
        XCTAssertEqual(Demangler.demangle("malloc"), "malloc")
        XCTAssertEqual(Demangler.demangle("_Znot valid"), "_Znot valid")
        // Swift, through the runtime's demangler (symbols as they appear in ELF tables).
        XCTAssertEqual(
            Demangler.demangle("$sSi1poiyS2i_SitFZ"), "static Swift.Int.+ infix(Swift.Int, Swift.Int) -> Swift.Int")
        XCTAssertEqual(
            Demangler.demangle("$s5Shell14EditLineReaderC8readLine6promptSSSg4line_Sb11interruptedtSS_tF"),
            "Shell.EditLineReader.readLine(prompt: Swift.String) -> (line: Swift.Optional<Swift.String>, interrupted: Swift.Bool)"
        )
        XCTAssertEqual(Demangler.demangle("$snot a symbol"), "$snot a symbol")
        // Rust's legacy scheme is C++'s; the trailing hash is dropped.
        XCTAssertEqual(
            Demangler.demangle("_ZN4core3fmt5write17h0123456789abcdefE"), "core::fmt::write")
        XCTAssertEqual(Demangler.withoutRustHash("a::b::hnothex"), "a::b::hnothex")
    }

    private func hexString(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }
}
