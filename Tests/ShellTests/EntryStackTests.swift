import Foundation
import TestSupport
import XCTest

/// At a uprobe on a function's first instruction the frame pointer is not pushed yet, so a
/// frame-pointer walk skips the caller; `ustack` puts it back from the return address on top of
/// the stack (main → make_order → malloc must read malloc, make_order, main).
final class EntryStackTests: XCTestCase {
    func testAFunctionEntryStackNamesTheCaller() throws {
        try KernelTestGate.require()
        let program = try CProgram.build(
            "orders",
            source: """
        #include <stdlib.h>
        #include <unistd.h>
        __attribute__((noinline)) void *make_order(int i) { return malloc(1000 + i); }
        int main(void) {
            for (int i = 0; i < 50; i++) free(make_order(i));
            sleep(5);  /* alive while bpfsh symbolizes its stacks */
            return 0;
        }
        """,
            flags: ["-O1", "-fno-omit-frame-pointer"])
        defer { program.remove() }
        let binary = program.path

        let result = try CommandRunner.run(
            KernelTestGate.executable,
            [
                "-e", "uprobe:libc:malloc /pid == cpid/ { @[ustack] = count(); } interval:s:2 { exit(); }",
                "-c", binary,
            ], readyMarker: nil, timeout: 30)
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let mallocFrames = lines.indices.filter { lines[$0].hasPrefix("malloc+") }
        XCTAssertFalse(mallocFrames.isEmpty, result.stdout)
        let callers = mallocFrames.compactMap { lines.indices.contains($0 + 1) ? lines[$0 + 1] : nil }
        XCTAssertTrue(callers.contains { $0.hasPrefix("make_order+") }, "the frame after malloc:\n\(result.stdout)")
        XCTAssertTrue(
            result.stdout.range(of: #"make_order\+\d+\n\s*main\+"#, options: .regularExpression) != nil,
            "then main:\n\(result.stdout)")
    }
}

/// A frame-pointer walk through code built without frame pointers reads some older frame, or
/// words that are not code addresses: `ustack` says where instead of printing them as callers.
final class FramePointerlessStackTests: XCTestCase {
    func testAStackThroughCodeWithoutFramePointersIsFlagged() throws {
        try KernelTestGate.require()
        let program = try CProgram.build(
            "orders",
            source: """
        #include <stdlib.h>
        #include <unistd.h>
        __attribute__((noinline)) void *make_order(int i) { return malloc(1000 + i); }
        __attribute__((noinline)) void take_orders(int n) { for (int i = 0; i < n; i++) free(make_order(i)); }
        int main(void) {
            take_orders(50);
            sleep(5);  /* alive while bpfsh symbolizes its stacks */
            return 0;
        }
        """,
            flags: ["-O1", "-fomit-frame-pointer"])
        defer { program.remove() }
        let binary = program.path

        let result = try CommandRunner.run(
            KernelTestGate.executable,
            [
                "-e", "uprobe:libc:malloc /pid == cpid/ { @[ustack] = count(); } interval:s:2 { exit(); }",
                "-c", binary,
            ], readyMarker: nil, timeout: 30)
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        // The caller read from the top of the stack is right; what the walk found above it is not.
        guard let caller = lines.firstIndex(where: { $0.hasPrefix("make_order+") }) else {
            return XCTFail("no make_order frame:\n\(result.stdout)")
        }
        XCTAssertTrue(lines[caller - 1].hasPrefix("malloc+"), result.stdout)
        let next = lines.indices.contains(caller + 1) ? lines[caller + 1] : ""
        XCTAssertTrue(
            next.hasPrefix("[") && next.contains("make_order in orders keeps no frame pointer"),
            "the frame after make_order:\n\(result.stdout)")
        let flagged = lines[(caller + 1)...].prefix { !$0.hasPrefix("]") && !$0.isEmpty && !$0.hasPrefix("@") }
        XCTAssertFalse(flagged.contains { $0.hasPrefix("0x") }, "no garbage frames:\n\(result.stdout)")
    }
}

/// bpftrace's stack modes: `perf` (address, symbol, file), `raw` (addresses), `build_id`
/// (the file's build id and offset), by argument or by `stack_mode`.
final class StackModeTests: XCTestCase {
    func testEachStackModePrintsAsBpftraceDoes() throws {
        try KernelTestGate.require()
        let program = try CProgram.build(
            "orders",
            source: """
        #include <stdlib.h>
        #include <unistd.h>
        __attribute__((noinline)) void *make_order(int i) { return malloc(1000 + i); }
        int main(void) { for (int i = 0; i < 5; i++) free(make_order(i)); sleep(3); return 0; }
        """,
            flags: ["-O1", "-fno-omit-frame-pointer", "-Wl,--build-id"])
        defer { program.remove() }
        let binary = program.path
        let result = try CommandRunner.run(
            KernelTestGate.executable,
            [
                "-e",
                "config = { stack_mode=raw } uprobe:libc:malloc /pid == cpid/ { @raw[ustack(2)] = count(); "
                    + "@perf[ustack(perf, 2)] = count(); @id[ustack(build_id, 2)] = count(); } interval:s:1 { exit(); }",
                "-c", binary,
            ], readyMarker: nil, timeout: 30)
        XCTAssertEqual(result.status, 0, result.stderr)
        let out = result.stdout
        XCTAssertNotNil(out.range(of: #"@raw\[\n\s+[0-9a-f]+\n\s+[0-9a-f]+\n\]: 5"#, options: .regularExpression), out)
        XCTAssertNotNil(
            out.range(
                of: #"@perf\[\n\s+[0-9a-f]+ malloc\+0 \(/\S+libc\.so\.6\)\n\s+[0-9a-f]+ make_order\+\d+ \(\S+/orders\)\n\]: 5"#,
                options: .regularExpression), out)
        XCTAssertNotNil(out.range(of: #"@id\[\n\s+[0-9a-f]{40} 0x[0-9a-f]+\n\s+[0-9a-f]{40} 0x[0-9a-f]+\n\]: 5"#, options: .regularExpression), out)
    }
}

/// C++ frames print as their source names (through the C++ runtime's demangler), as bpftrace's
/// do with `cpp_demangle` on.
final class DemangledStackTests: XCTestCase {
    func testCppFramesPrintDemangled() throws {
        try KernelTestGate.require()
        let program = try CProgram.build(
            "shop",
            source: """
                #include <cstdlib>
                #include <unistd.h>
                namespace shop {
                struct Till {
                    __attribute__((noinline)) void *ring(int cents) { return std::malloc(1000 + cents); }
                };
                }
                int main() {
                    shop::Till till;
                    for (int i = 0; i < 20; i++) std::free(till.ring(i));
                    sleep(3);
                    return 0;
                }
                """,
            flags: ["-O1", "-fno-omit-frame-pointer"], compiler: "/usr/bin/c++", suffix: "cpp")
        defer { program.remove() }
        let result = try CommandRunner.run(
            KernelTestGate.executable,
            ["-e", "uprobe:libc:malloc /pid == cpid/ { @[ustack(3)] = count(); } interval:s:1 { exit(); }", "-c", program.path],
            readyMarker: nil, timeout: 30)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertNotNil(
            result.stdout.range(of: #"malloc\+0\n\s+shop::Till::ring\(int\)\+\d+\n\s+main\+\d+\n\]: 20"#, options: .regularExpression),
            result.stdout)
        XCTAssertFalse(result.stdout.contains("_ZN4shop"), "no mangled name:\n\(result.stdout)")
    }
}
