import XCTest

@testable import Codegen
@testable import Language

/// A bitfield member is read as the bytes holding it, shifted and masked, or shifted up and
/// arithmetically back down when it is signed.
final class BitfieldLoweringTests: XCTestCase {
    private let definition = "struct Bar { short a:4, b:8; int e:9, f:15; } "

    private func opcodes(_ text: String) throws -> [Instruction] {
        let compiled = try compile(definition + text)
        assertWellFormed(compiled)
        let program = compiled.programs[0]
        let all = program.decoded
        return program.instructionStarts.map { all[$0] }
    }

    func testAnUnsignedFieldIsShiftedAndMasked() throws {
        let code = try opcodes("struct U { unsigned int x:3, y:9; } k:vfs_read { @ = ((struct U *)arg0)->y; }")
        XCTAssertTrue(code.contains { $0.opcode == 0x77 && $0.imm == 3 }, "rsh 3")  // BPF_ALU64 | BPF_RSH | BPF_K
        XCTAssertTrue(code.contains { $0.opcode == 0x57 && $0.imm == 0x1ff }, "and 0x1ff")
        XCTAssertFalse(code.contains { $0.opcode == 0xc7 }, "no arithmetic shift")
        let read = code.filter { $0.opcode == 0x85 && [4, 113].contains($0.imm) }
        XCTAssertEqual(read.count, 1, "one probe read")
    }

    func testASignedFieldIsSignExtended() throws {
        let code = try opcodes("k:vfs_read { @ = ((struct Bar *)arg0)->f; }")
        XCTAssertTrue(code.contains { $0.opcode == 0x67 && $0.imm == 49 }, "lsh 64 - 15")  // BPF_LSH | BPF_K
        XCTAssertTrue(code.contains { $0.opcode == 0xc7 && $0.imm == 49 }, "arsh 64 - 15")
    }
}
