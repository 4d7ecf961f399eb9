import Specs
import XCTest

@testable import Codegen
@testable import Language

/// Values larger than `on_stack_limit` live in the per-CPU scratch map, not on the 512-byte
/// BPF stack (`UnitLowering+Scratch`).
final class ScratchTests: XCTestCase {
    /// The deepest stack byte a program's own function touches: stores and loads through r10,
    /// and `rX = r10; rX += -N` address computations.
    private func stackDepth(_ program: ProgramSpec) -> Int {
        let all = program.decoded
        var deepest = 0
        var framePointers: Set<UInt8> = []
        for index in program.instructionStarts {
            if program.functionStarts.dropFirst().contains(index) { break }
            let insn = all[index]
            switch insn.instructionClass {
            case 0x01 where insn.src == 10, 0x02 where insn.dst == 10, 0x03 where insn.dst == 10:
                deepest = max(deepest, -Int(insn.offset))
            case 0x07:
                if insn.opcode == 0xbf {  // mov64 reg
                    if insn.src == 10 { framePointers.insert(insn.dst) } else { framePointers.remove(insn.dst) }
                } else if insn.opcode == 0x07, framePointers.contains(insn.dst) {  // add64 imm
                    deepest = max(deepest, -Int(insn.imm))
                    framePointers.remove(insn.dst)
                } else {
                    framePointers.remove(insn.dst)
                }
            default:
                break
            }
        }
        return deepest
    }

    func testLongStringsAndKeysGoToTheScratchMap() throws {
        let text = """
            k:vfs_read { $a = str(arg0, 200); $b = str(arg1, 200); @[$a, $b, str(arg2, 200)] = count(); \
            printf("%s %s\\n", $a, $b); }
            """
        let compiled = try compile(text)
        assertWellFormed(compiled)
        let scratch = try XCTUnwrap(compiled.mapID(named: InternalMap.scratch))
        XCTAssertTrue(compiled.programs[0].mapReferences.contains(scratch))
        XCTAssertLessThan(stackDepth(compiled.programs[0]), 128, "the 600-byte key and the strings are not on the stack")

        // Kept on the stack, the same values do not fit, and the error names them.
        XCTAssertThrowsError(try compile("config = { on_stack_limit = 4096 } " + text)) { error in
            guard case CodegenError.stackLimit(let unit, let uses) = error else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(unit, 0)
            XCTAssertTrue(uses.contains("200 bytes: variable $a"), "\(uses)")
            XCTAssertTrue(uses.contains("200 bytes: variable $b"), "\(uses)")
            XCTAssertTrue(uses.first?.hasPrefix("600 bytes: line 1 `@[$a, $b, str(arg2, 200)]") == true, "\(uses)")
        }
    }

    func testSmallValuesStayOnTheStackWithoutAScratchMap() throws {
        let compiled = try compile("k:vfs_read { $t = (pid, tid); @[comm, $t] = sum(arg2); printf(\"%s\\n\", comm); }")
        assertWellFormed(compiled)
        XCTAssertNil(compiled.mapID(named: InternalMap.scratch), "16-byte strings and tuples fit under 32 bytes")
    }

    /// A loop's frame holds pointers to the variables its body names, not to all of the
    /// probe's: 37 integers and a frame for all of them would not fit in 512 bytes.
    func testLoopFramesCarryOnlyTheVariablesTheBodyNames() throws {
        let assignments = (1...36).map { "$v\($0) = \($0) * arg1;" }.joined(separator: " ")
        let sum = (1...36).map { "$v\($0)" }.joined(separator: " + ")
        let compiled = try compile(
            "k:vfs_read { \(assignments) for $i : 0..arg0 { @a[$i] = $v1; } @x = \(sum); }")
        assertWellFormed(compiled)

        let all = "k:vfs_read { \(assignments) for $i : 0..arg0 { @a[$i] = \(sum); } }"
        XCTAssertThrowsError(try compile(all)) { error in
            guard case CodegenError.stackLimit(_, let uses) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(uses.contains { $0.hasSuffix("37 integer variables ($i, $v1, $v10, $v11, ...)") }, "\(uses)")
            XCTAssertTrue(
                uses.contains { $0 == "320 bytes: the frame a loop callback reaches the probe's variables through" },
                "\(uses)")
        }
    }

    /// A range loop whose end is not a literal is a bpf_loop callback: the string variables it
    /// shares with the probe are in scratch memory, and its frame only carries the integers'
    /// stack addresses.
    func testLoopCallbacksReachScratchVariables() throws {
        let compiled = try compile(
            """
            k:vfs_read { $s = str(arg0); $n = 0; for $i : 0..arg1 { $n += $i; @p[$i] = $s; } printf("%s %d\\n", $s, $n); }
            """)
        assertWellFormed(compiled)
        let program = compiled.programs[0]
        XCTAssertEqual(program.functionStarts.count, 2, "the probe and its loop callback")
        XCTAssertTrue(program.helperCalls.contains(181), "bpf_loop")
        let scratch = try XCTUnwrap(compiled.mapID(named: InternalMap.scratch))
        let all = program.decoded
        let callbackStart = program.functionStarts[1]
        let references = program.instructionStarts.filter {
            all[$0].opcode == Instruction.ldImm64 && all[$0].src == 1 && all[$0].imm == scratch
        }
        XCTAssertTrue(references.contains { $0 < callbackStart }, "the probe looks the scratch value up")
        XCTAssertTrue(references.contains { $0 >= callbackStart }, "so does the callback, for $s")
    }
}
