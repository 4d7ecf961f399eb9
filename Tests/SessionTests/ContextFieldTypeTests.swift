import XCTest

@testable import Session

/// A tracepoint field's C type names what a pointer field points to, blanks aside.
final class ContextFieldTypeTests: XCTestCase {
    func testThePointeeIsTheTypeWithoutItsStarAndBlanks() {
        XCTAssertEqual(ContextFields.pointee(of: "const char *"), "const char")
        XCTAssertEqual(ContextFields.pointee(of: " struct file * "), "struct file")
        XCTAssertEqual(ContextFields.pointee(of: "\tu8\t*"), "u8")
        XCTAssertEqual(ContextFields.pointee(of: "char **"), "char *", "one level of pointer at a time")
        XCTAssertEqual(ContextFields.pointee(of: "int"), "int")
        XCTAssertEqual(ContextFields.pointee(of: "  "), "")
    }
}
