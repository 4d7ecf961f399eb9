import XCTest

@testable import Symbols

final class GlobTests: XCTestCase {
    func testWildcards() {
        XCTAssertTrue(Glob("read*").matches("readline"))
        XCTAssertTrue(Glob("read*").matches("read"))
        XCTAssertFalse(Glob("read*").matches("xread"))
        XCTAssertTrue(Glob("*read*").matches("pthread_rwlock_rdlock_readers"))
        XCTAssertTrue(Glob("pthread_mutex_?ock").matches("pthread_mutex_lock"))
        XCTAssertFalse(Glob("pthread_mutex_?ock").matches("pthread_mutex_unlock"))
        XCTAssertTrue(Glob("*").matches(""))
        XCTAssertTrue(Glob("a*b*c").matches("aXXbYYbZZc"))
        XCTAssertFalse(Glob("a*b*c").matches("aXXbYYbZZ"))
        XCTAssertTrue(Glob("malloc").matches("malloc"))
        XCTAssertFalse(Glob("malloc").hasWildcards)
        XCTAssertTrue(Glob("?é").matches("aé"))
        XCTAssertTrue(Glob("é?").matches("éa"))
    }

    func testPathologicalPatternIsFast() {
        let text = String(repeating: "a", count: 5000)
        XCTAssertFalse(Glob(String(repeating: "*a", count: 50) + "b").matches(text))
    }
}
