import XCTest

@testable import Kernel

final class CatalogueGlobTests: XCTestCase {
    func testStarQuestionAndLiterals() {
        XCTAssertTrue(ProbeGlob("sched:*").matches("sched:sched_switch"))
        XCTAssertFalse(ProbeGlob("sched:*").matches("irq:softirq_entry"))
        XCTAssertTrue(ProbeGlob("*").matches(""))
        XCTAssertTrue(ProbeGlob("sched*").matches("sched:sched_switch"), "star crosses colons as in bpftrace")
        XCTAssertTrue(ProbeGlob("*:sched_switch").matches("sched:sched_switch"))
        XCTAssertTrue(ProbeGlob("sys_enter_open?t").matches("sys_enter_openat"))
        XCTAssertFalse(ProbeGlob("sys_enter_open?").matches("sys_enter_openat"))
        XCTAssertTrue(ProbeGlob("a*b*c").matches("aXXbYYbZc"))
        XCTAssertFalse(ProbeGlob("a*b*c").matches("aXXbYYbZ"))
        XCTAssertTrue(ProbeGlob("exact").matches("exact"))
        XCTAssertFalse(ProbeGlob("exact").matches("exactly"))
        XCTAssertFalse(ProbeGlob("exact").hasWildcards)
        XCTAssertTrue(ProbeGlob("ex*").hasWildcards)
        XCTAssertTrue(ProbeGlob("a\\*b").matches("a*b"))
        XCTAssertFalse(ProbeGlob("a\\*b").matches("aXb"))
    }

    func testBraceAlternatives() {
        let glob = ProbeGlob("sched:sched_{switch,wakeup}")
        XCTAssertTrue(glob.matches("sched:sched_switch"))
        XCTAssertTrue(glob.matches("sched:sched_wakeup"))
        XCTAssertFalse(glob.matches("sched:sched_wakeup_new"))
        XCTAssertTrue(glob.hasWildcards)
        XCTAssertEqual(Set(glob.literalAlternatives ?? []), ["sched:sched_switch", "sched:sched_wakeup"])
        XCTAssertTrue(ProbeGlob("{a,b{c,d}}x").matches("bdx"))
        XCTAssertTrue(ProbeGlob("{vfs_,do_}read*").matches("do_read_thing"))
        XCTAssertTrue(ProbeGlob("x{,y}").matches("x"))
        XCTAssertTrue(ProbeGlob("un{balanced").matches("un{balanced"), "an unmatched brace is literal")
        XCTAssertNil(ProbeGlob("a*").literalAlternatives)
    }

    func testHostilePatternsStayBounded() {
        let explosive = String(repeating: "{a,b,c,d}", count: 30)
        let glob = ProbeGlob(explosive)
        XCTAssertFalse(glob.matches("zzz"))
        let stars = String(repeating: "*a", count: 200) + "b"
        XCTAssertFalse(ProbeGlob(stars).matches(String(repeating: "a", count: 2000)))
    }
}
