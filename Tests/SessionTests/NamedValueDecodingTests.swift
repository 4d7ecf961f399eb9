import Language
import Session
import Specs
import Tables
import XCTest

/// Booleans and named integers (syscall_name, signal_name, strerror, username) as shown.
final class NamedValueDecodingTests: XCTestCase {
    let decoder = ValueDecoder(symbolizer: FakeSymbolizer())

    private func text(_ type: SType, _ value: UInt64) -> Value {
        decoder.decode(type, ArraySlice(withUnsafeBytes(of: value.littleEndian) { Array($0) }))
    }

    func testBoolAndNames() {
        XCTAssertEqual(text(.bool, 1), .symbol("true"))
        XCTAssertEqual(text(.bool, 0), .symbol("false"))
        XCTAssertEqual(text(.named(.syscall), 0), .symbol("read"))
        XCTAssertEqual(text(.named(.syscall), 9999), .symbol("9999"), "an unknown number stays a number")
        XCTAssertEqual(text(.named(.signal), 2), .symbol("Interrupt"))
        XCTAssertEqual(text(.named(.signal), 0), .symbol("Unknown signal 0"))
        XCTAssertEqual(text(.named(.signal), 1024), .symbol("N/A"))
        XCTAssertEqual(text(.named(.errno), 22), .symbol("Invalid argument"))
        XCTAssertEqual(text(.named(.user), 0), .symbol("root"))
        let baz = CEnumType(name: "BAZ", enumerators: [.init(name: "FOO", value: 333), .init(name: "BAR", value: 334)])
        XCTAssertEqual(text(.named(.enumeration(baz)), 334), .symbol("BAR"))
        XCTAssertEqual(text(.named(.enumeration(baz)), 444), .symbol("444"), "a value no enumerator has is its number")
    }

    /// The table is kept as data: Debian 12's header ends at 450, the kernel it matches adds more.
    func testSyscallTableReachesItsKernel() {
        let table = SyscallTable.x86_64
        XCTAssertEqual(table.kernelVersion, "6.18")
        XCTAssertEqual(table.name(39), "getpid")
        XCTAssertEqual(table.name(335), "uretprobe")
        XCTAssertEqual(table.name(469), "file_setattr")
        XCTAssertEqual(table.number("openat"), 257)
    }
}
