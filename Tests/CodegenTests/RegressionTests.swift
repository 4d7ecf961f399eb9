import XCTest

@testable import Codegen
@testable import Language

/// Regression tests for bugs found (and fixed) in code generation: each comment says what
/// used to go wrong, each test asserts the fixed behaviour.
final class CodegenRegressionTests: XCTestCase {
    private func ir(_ text: String) throws -> String {
        try Compiler().intermediateRepresentation(try checkedProgram(text))
    }

    /// `sizeof(u32)` was 8: the lowering's size table only knew int8/uint8/char/int16/
    /// uint16/short/int32/uint32/int and defaulted to 8 (u16, s32, unsigned int, pid_t...).
    func testSizeofUsesTheTypeSize() throws {
        for (type, size) in [
            ("u32", 4), ("s32", 4), ("u16", 2), ("s16", 2), ("u8", 1), ("s8", 1), ("unsigned int", 4), ("pid_t", 4),
            ("bool", 1),
        ] {
            XCTAssertEqual(
                try ir("BEGIN { @x = sizeof(\(type)); }"), try ir("BEGIN { @x = \(size); }"), "sizeof(\(type))")
        }
    }

    /// `(string[8])"abcdefgh"` type-checks as string[8], but the cast was lowered as a
    /// scalar and `write` dropped a scalar for a string: the event carried zeros.
    func testCastToStringKeepsTheBytes() throws {
        let compiled = try compile("BEGIN { printf(\"%s\\n\", (string[8])\"abcdefgh\"); }")
        let abcdefg: UInt64 = 0x0067_6665_6463_6261
        XCTAssertTrue(
            compiled.programs[0].loadedConstants.contains { $0 & 0x00ff_ffff_ffff_ffff == abcdefg },
            "the string's bytes never reach the event: \(compiled.programs[0].loadedConstants)")
    }

    /// In fexit programs `retval` read `pt_regs->ax` (offset 80) from the context, which is
    /// an array of u64 arguments followed by the return value: for vfs_read (4 arguments)
    /// the return value is at offset 32.
    func testFexitRetvalFollowsTheArguments() throws {
        let program = try compile("fexit:vfs_read { @x = retval; }").programs[0]
        let loads = program.decoded.filter { $0.opcode == 0x79 }  // ldx u64
        XCTAssertTrue(loads.contains { $0.offset == 32 }, "\(loads)")
        XCTAssertFalse(loads.contains { $0.offset == 80 }, "\(loads)")
    }

    /// `delete(@h[k])` on a hist()/lhist() map was accepted but generated nothing (no
    /// map_delete_elem, no event), so the key silently stayed.
    func testDeleteFromAHistogramIsDoneOrRejected() throws {
        let text = "BEGIN { @h[1] = hist(2); delete(@h[1]); }"
        do {
            let compiled = try compile(text)
            XCTAssertTrue(
                compiled.programs[0].helperCalls.contains(3)
                    || compiled.programs[0].helperCalls.filter { $0 == 130 }.count > 0,
                "delete() neither deletes nor asks user space to: \(compiled.programs[0].helperCalls)")
        } catch let list as DiagnosticList {
            XCTAssertFalse(list.diagnostics.isEmpty)
        }
    }

    /// Accepted programs whose stack data exceed BPF's 512 bytes made LLVM print "Looks like
    /// the BPF stack limit of 512 bytes is exceeded" and call exit(1): the whole process
    /// (bpfsh, or this test run) ended instead of `compile` throwing. Each string, key and
    /// value gets its own alloca, so ordinary programs reached the limit.
    func testStackOverflowIsAnErrorNotAnExit() throws {
        for text in [
            "k:vfs_read { @s = str(arg0, 200); printf(\"%s\\n\", @s); }",
            "k:vfs_read { @[str(arg0, 200), str(arg1, 200)] = count(); }",
            "BEGIN { unroll(100) { @x++; } }",
        ] {
            do {
                let compiled = try compile(text)
                assertWellFormed(compiled, text)
            } catch let list as DiagnosticList {
                XCTAssertFalse(list.diagnostics.isEmpty, text)
            } catch let error as CodegenError {
                XCTAssertTrue(error.description.contains("stack"), "\(text): \(error)")
            }
        }
    }
}
