import XCTest

@testable import Symbols

final class X86CodeTests: XCTestCase {
    func testFramePointerPrologues() {
        XCTAssertTrue(X86Code.setsUpFramePointer(prologue: [0x55, 0x48, 0x89, 0xE5, 0x90]))
        XCTAssertTrue(X86Code.setsUpFramePointer(prologue: [0xF3, 0x0F, 0x1E, 0xFA, 0x55, 0x48, 0x89, 0xE5]))
        // glibc's malloc: endbr64; push %r12 ... (no frame pointer)
        XCTAssertFalse(X86Code.setsUpFramePointer(prologue: [0xF3, 0x0F, 0x1E, 0xFA, 0x41, 0x54, 0x55, 0x53]))
        XCTAssertFalse(X86Code.setsUpFramePointer(prologue: [0x48, 0x83, 0xEC, 0x08]))
    }

    func testCallsBeforeAReturnAddress() {
        // call rel32
        XCTAssertTrue(X86Code.endsWithCall([0x90, 0x90, 0xE8, 0x10, 0x20, 0x30, 0x40]))
        // call *%rax, call *%r11 (REX.B 41)
        XCTAssertTrue(X86Code.endsWithCall([0x90, 0x90, 0x90, 0x90, 0x90, 0xFF, 0xD0]))
        XCTAssertTrue(X86Code.endsWithCall([0x90, 0x90, 0x90, 0x90, 0x41, 0xFF, 0xD3]))
        // call *0x10(%rax), call *disp32(%rip), call *0x8(%rsp) with SIB
        XCTAssertTrue(X86Code.endsWithCall([0x90, 0x90, 0x90, 0x90, 0xFF, 0x50, 0x10]))
        XCTAssertTrue(X86Code.endsWithCall([0x90, 0xFF, 0x15, 0x01, 0x02, 0x03, 0x04]))
        XCTAssertTrue(X86Code.endsWithCall([0x90, 0x90, 0x90, 0xFF, 0x54, 0x24, 0x08]))
        // jmp *%rax (FF /4) and plain code are not calls.
        XCTAssertFalse(X86Code.endsWithCall([0x90, 0x90, 0x90, 0x90, 0x90, 0xFF, 0xE0]))
        XCTAssertFalse(X86Code.endsWithCall([0x48, 0x89, 0xC7, 0x48, 0x89, 0xC6, 0xC3]))
        XCTAssertFalse(X86Code.endsWithCall([0x00]))
    }
}

final class UserStackAuditTests: XCTestCase {
    private func frame(
        _ name: String, followsCall: Bool? = true, keepsFramePointer: Bool? = true, address: UInt64 = 0x1000
    ) -> UserFrameFacts {
        UserFrameFacts(
            text: name + "+4", address: address, function: name, module: "/usr/lib/libx.so.1",
            setsUpFramePointer: keepsFramePointer, followsCall: followsCall)
    }

    func testAWalkThroughFramePointersIsPrintedAsWalked() {
        let frames = [frame("leaf", followsCall: nil), frame("middle"), frame("main"), frame("_start")]
        XCTAssertEqual(
            UserStackAudit.frames(frames, entryCallerInserted: false), ["leaf+4", "middle+4", "main+4", "_start+4"])
    }

    func testAFunctionWithoutFramePointerMarksWhereCallersMayBeMissing() {
        let frames = [frame("read", followsCall: nil, keepsFramePointer: false), frame("main")]
        XCTAssertEqual(
            UserStackAudit.frames(frames, entryCallerInserted: false),
            ["read+4", "[frames may be missing: read in libx.so.1 keeps no frame pointer]", "main+4"])
    }

    func testWordsThatAreNotReturnAddressesEndTheStack() {
        let frames = [
            frame("read", followsCall: nil, keepsFramePointer: false),
            frame("garbage", followsCall: false, address: 0x3800_0000_0000_0000), frame("main"),
        ]
        XCTAssertEqual(
            UserStackAudit.frames(frames, entryCallerInserted: false),
            ["read+4", "[unwinding stopped: read in libx.so.1 keeps no frame pointer]"])
        let afterGoodFrame = [frame("leaf", followsCall: nil), frame("x", followsCall: false, address: 0xdead)]
        XCTAssertEqual(
            UserStackAudit.frames(afterGoodFrame, entryCallerInserted: false),
            ["leaf+4", "[unwinding stopped: 0xdead is not a return address]"])
    }

    func testAtAFunctionEntryTheFirstFunctionsPrologueHasNotRunYet() {
        let frames = [
            frame("malloc", followsCall: nil, keepsFramePointer: false), frame("make_order"), frame("main"),
        ]
        XCTAssertEqual(
            UserStackAudit.frames(frames, entryCallerInserted: true), ["malloc+4", "make_order+4", "main+4"])
    }

    func testAStackEndingInAFunctionWithoutFramePointerLostItsCallers() {
        let ended = [frame("malloc", followsCall: nil, keepsFramePointer: false), frame("make_order", keepsFramePointer: false)]
        XCTAssertEqual(
            UserStackAudit.frames(ended, entryCallerInserted: true),
            ["malloc+4", "make_order+4", "[unwinding stopped: make_order in libx.so.1 keeps no frame pointer]"])
        let bottom = [frame("main"), frame("__libc_start_call_main", keepsFramePointer: false)]
        XCTAssertEqual(
            UserStackAudit.frames(bottom, entryCallerInserted: false), ["main+4", "__libc_start_call_main+4"])
    }
}
