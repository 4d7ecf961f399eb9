import Session
import XCTest

final class MapPatchTests: XCTestCase {
    /// ld_imm64 r1, map id 2 (src_reg = BPF_PSEUDO_MAP_FD) followed by its second slot.
    let loadMap: UInt64 = 0x18 | (1 << 8) | (1 << 12) | (UInt64(2) << 32)

    func testMapIDsBecomeFileDescriptors() throws {
        let exit: UInt64 = 0x95
        let patched = try MapReferences.patch([loadMap, 0, exit], ids: [2: 41])
        XCTAssertEqual(patched[0] >> 32, 41)
        XCTAssertEqual(patched[0] & 0xFFFF_FFFF, loadMap & 0xFFFF_FFFF, "opcode and registers are kept")
        XCTAssertEqual(Array(patched[1...]), [0, exit])
    }

    func testPlainConstantsAreLeftAlone() throws {
        let loadConstant: UInt64 = 0x18 | (1 << 8) | (UInt64(2) << 32)  // src_reg 0: a 64-bit constant
        XCTAssertEqual(try MapReferences.patch([loadConstant, 0], ids: [2: 41]), [loadConstant, 0])
    }

    func testUnknownMapIDIsAnError() {
        XCTAssertThrowsError(try MapReferences.patch([loadMap, 0], ids: [:]))
    }
}
