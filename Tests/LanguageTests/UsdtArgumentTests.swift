import Language
import XCTest

/// The argument specifications `<sys/sdt.h>` writes into a USDT note, as gcc emits them.
final class UsdtArgumentTests: XCTestCase {
    func testRegistersOfEveryWidthNameTheirPtRegsSlot() throws {
        let arguments = try UsdtArgument.parse("-8@%rbx -4@%eax 8@%r12 2@%r9w 1@%sil -1@%r15b 8@%rip")
        XCTAssertEqual(
            arguments,
            [
                UsdtArgument(size: 8, isSigned: true, location: .register("bx")),
                UsdtArgument(size: 4, isSigned: true, location: .register("ax")),
                UsdtArgument(size: 8, isSigned: false, location: .register("r12")),
                UsdtArgument(size: 2, isSigned: false, location: .register("r9")),
                UsdtArgument(size: 1, isSigned: false, location: .register("si")),
                UsdtArgument(size: 1, isSigned: true, location: .register("r15")),
                UsdtArgument(size: 8, isSigned: false, location: .register("ip")),
            ])
    }

    func testConstantsAndMemoryOperands() throws {
        XCTAssertEqual(
            try UsdtArgument.parse("-4@$-5 4@$0x10 -8@-8(%rbp) 4@(%rax) 8@16(%rax,%rbx,8) 8@(,%rcx,4)"),
            [
                UsdtArgument(size: 4, isSigned: true, location: .constant(-5)),
                UsdtArgument(size: 4, isSigned: false, location: .constant(16)),
                UsdtArgument(
                    size: 8, isSigned: true, location: .memory(base: "bp", index: nil, scale: 1, displacement: -8)),
                UsdtArgument(
                    size: 4, isSigned: false, location: .memory(base: "ax", index: nil, scale: 1, displacement: 0)),
                UsdtArgument(
                    size: 8, isSigned: false, location: .memory(base: "ax", index: "bx", scale: 8, displacement: 16)),
                UsdtArgument(
                    size: 8, isSigned: false, location: .memory(base: nil, index: "cx", scale: 4, displacement: 0)),
            ])
        XCTAssertEqual(try UsdtArgument.parse(""), [])
    }

    /// `counter(%rip)` is the symbol's address; at the probe `ip` is the probe's own address.
    func testASymbolRelativeToRipReadsRelativeToTheProbe() throws {
        let arguments = try UsdtArgument.parse("4@counter+8(%rip)", probeAddress: 0x1150) {
            $0 == "counter" ? 0x4010 : nil
        }
        XCTAssertEqual(
            arguments,
            [
                UsdtArgument(
                    size: 4, isSigned: false,
                    location: .memory(base: "ip", index: nil, scale: 1, displacement: 0x4010 - 0x1150 + 8))
            ])
        XCTAssertThrowsError(try UsdtArgument.parse("4@missing(%rip)"))
    }

    func testOperandsBpfshCannotReadAreRefusedWithTheArgument() {
        for bad in ["3@%rax", "8@%ah", "8@%xmm0", "8@4(%rax", "8@4(%rax,%rbx,3)"] {
            XCTAssertThrowsError(try UsdtArgument.parse(bad), bad) { error in
                XCTAssertTrue("\(error)".contains(bad), "\(error)")
            }
        }
    }
}
