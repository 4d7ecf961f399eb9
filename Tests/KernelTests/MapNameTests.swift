import XCTest

@testable import Kernel

/// The kernel keeps at most 15 bytes of a map's name and refuses any byte but ASCII letters,
/// digits, `_` and `.`: bpfsh's names for it keep those and turn the rest into `_`.
final class MapNameTests: XCTestCase {
    func testKernelNamesAreShortAndPlainASCII() {
        XCTAssertEqual(LoadedMap.kernelName("m_counts"), "m_counts")
        XCTAssertEqual(LoadedMap.kernelName("m_a_rather_long_map_name"), "m_a_rather_long")
        XCTAssertEqual(LoadedMap.kernelName("b_events-1 x"), "b_events_1_x")
        XCTAssertEqual(LoadedMap.kernelName("m_é"), "m___", "each byte of a non-ASCII letter becomes _")
        XCTAssertEqual(LoadedMap.kernelName("AZaz09[`{"), "AZaz09___", "the bytes around the letter ranges are not letters")
        XCTAssertEqual(LoadedMap.kernelName(""), "")
    }
}
