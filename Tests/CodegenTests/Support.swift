import LanguageTestSupport
import XCTest

@testable import Codegen
@testable import Language

/// Helpers for compiling programs against the fake kernel and reading the BPF they become.

func checkedProgram(_ text: String, options: SemanticAnalyzer.Options = .init()) throws -> CheckedProgram {
    let file = SourceFile(name: "prog.bt", text: text)
    let program = try Parser.parse(file, preprocessing: PreprocessorOptions(kernelHasBTF: true))
    return try SemanticAnalyzer.check(program, source: file, catalogue: FakeCatalogue(), options: options)
}

func compile(
    _ text: String, options: SemanticAnalyzer.Options = .init(),
    codegen: CodegenOptions = CodegenOptions(), keepIR: Bool = false
) throws -> CompiledProgram {
    try Compiler(options: codegen).compile(try checkedProgram(text, options: options), keepIR: keepIR)
}

/// One decoded BPF instruction (`struct bpf_insn`).
struct Instruction: CustomStringConvertible {
    let opcode: UInt8
    let dst: UInt8
    let src: UInt8
    let offset: Int16
    let imm: Int32

    init(_ word: UInt64) {
        opcode = UInt8(truncatingIfNeeded: word)
        dst = UInt8(truncatingIfNeeded: word >> 8) & 0x0f
        src = UInt8(truncatingIfNeeded: word >> 12) & 0x0f
        offset = Int16(bitPattern: UInt16(truncatingIfNeeded: word >> 16))
        imm = Int32(bitPattern: UInt32(truncatingIfNeeded: word >> 32))
    }

    var instructionClass: UInt8 { opcode & 0x07 }
    static let ldImm64: UInt8 = 0x18
    static let call: UInt8 = 0x85
    static let exit: UInt8 = 0x95
    static let ja: UInt8 = 0x05

    var description: String {
        "op=0x\(String(opcode, radix: 16)) dst=r\(dst) src=r\(src) off=\(offset) imm=\(imm)"
    }
}

/// BPF helper ids bpfsh may call (`enum bpf_func_id`).
let knownHelpers: Set<Int32> = [
    1, 2, 3, 4, 5, 7, 8, 14, 15, 16, 27, 35, 42, 45, 80, 112, 113, 114, 115, 118, 125, 130, 164, 173, 181, 195, 208,
]

extension ProgramSpec {
    var decoded: [Instruction] { instructions.map(Instruction.init) }

    /// Indexes of real instructions: the second half of an `ld_imm64` is skipped.
    var instructionStarts: [Int] {
        var starts: [Int] = []
        var index = 0
        let all = decoded
        while index < all.count {
            starts.append(index)
            index += all[index].opcode == Instruction.ldImm64 ? 2 : 1
        }
        return starts
    }

    /// Helper ids of every `call` instruction, in order.
    var helperCalls: [Int32] {
        let all = decoded
        return instructionStarts.compactMap {
            all[$0].opcode == Instruction.call && all[$0].src == 0 ? all[$0].imm : nil
        }
    }

    /// Map ids referenced by `ld_imm64` with BPF_PSEUDO_MAP_FD.
    var mapReferences: [Int32] {
        let all = decoded
        return instructionStarts.compactMap {
            all[$0].opcode == Instruction.ldImm64 && all[$0].src == 1 ? all[$0].imm : nil
        }
    }

    /// Map ids of `ld_imm64`s of an address in a map's value (BPF_PSEUDO_MAP_VALUE).
    var mapValueReferences: [Int32] {
        let all = decoded
        return instructionStarts.compactMap {
            all[$0].opcode == Instruction.ldImm64 && all[$0].src == 2 ? all[$0].imm : nil
        }
    }

    /// 64-bit constants put in registers: plain `ld_imm64`, or a 64-bit `mov` of a
    /// sign-extended 32-bit immediate.
    var loadedConstants: [UInt64] {
        let all = decoded
        return instructionStarts.compactMap { index -> UInt64? in
            let insn = all[index]
            if insn.opcode == 0xb7 { return UInt64(bitPattern: Int64(insn.imm)) }
            guard insn.opcode == Instruction.ldImm64, insn.src == 0, index + 1 < all.count else { return nil }
            return UInt64(UInt32(bitPattern: insn.imm)) | UInt64(UInt32(bitPattern: all[index + 1].imm)) << 32
        }
    }
}

/// Checks what must hold for every compiled program, whatever its source: instructions
/// decode as BPF, maps are referenced by valid ids, only known helpers are called, jumps
/// stay inside the program, and the program has an `exit` and cannot run off its end: the
/// last instruction is `exit` or an unconditional jump, as the kernel's verifier requires
/// (LLVM may place a block that jumps back to the exit last).
func assertWellFormed(
    _ compiled: CompiledProgram, _ label: String = "", file: StaticString = #filePath, line: UInt = #line
) {
    XCTAssertEqual(
        compiled.programs.count, compiled.checked.units.count, "one program per unit \(label)", file: file, line: line)
    for (index, program) in compiled.programs.enumerated() {
        let all = program.decoded
        let where_ = "\(label) program \(index) (\(program.target.name))"
        XCTAssertEqual(program.unitIndex, index, where_, file: file, line: line)
        XCTAssertEqual(program.name, "bpfsh_\(index)", where_, file: file, line: line)
        XCTAssertFalse(all.isEmpty, "no instructions in \(where_)", file: file, line: line)
        XCTAssertLessThanOrEqual(all.count, 1_000_000, where_, file: file, line: line)
        guard let last = all.last else { continue }
        XCTAssertTrue(
            last.opcode == Instruction.exit || last.opcode == Instruction.ja,
            "\(where_) may run off its end: \(last)", file: file, line: line)
        XCTAssertTrue(
            program.instructionStarts.contains { all[$0].opcode == Instruction.exit }, "\(where_) has no exit",
            file: file, line: line)
        let starts = Set(program.instructionStarts)
        for index in program.instructionStarts {
            let insn = all[index]
            XCTAssertLessThan(insn.dst, 11, "bad register in \(where_) at \(index): \(insn)", file: file, line: line)
            XCTAssertLessThan(insn.src, 11, "bad register in \(where_) at \(index): \(insn)", file: file, line: line)
            switch insn.opcode {
            case Instruction.ldImm64:
                XCTAssertLessThan(index + 1, all.count, "truncated ld_imm64 in \(where_)", file: file, line: line)
                if index + 1 < all.count {
                    XCTAssertEqual(
                        all[index + 1].opcode, 0, "ld_imm64 second half in \(where_) at \(index)", file: file,
                        line: line)
                }
                XCTAssertTrue(
                    [0, 1, 2, 4].contains(insn.src), "ld_imm64 with src \(insn.src) in \(where_)", file: file, line: line)
                if insn.src == 2, index + 1 < all.count {  // BPF_PSEUDO_MAP_VALUE: in an array's slot 0
                    let map = compiled.maps.indices.contains(Int(insn.imm) - 1) ? compiled.maps[Int(insn.imm) - 1] : nil
                    XCTAssertEqual(map?.type, .array, "map value of \(map?.name ?? "no map") in \(where_)", file: file, line: line)
                    XCTAssertLessThan(
                        Int(all[index + 1].imm), map?.valueSize ?? 0, "offset past the value in \(where_)", file: file,
                        line: line)
                }
                if insn.src == 4 {  // BPF_PSEUDO_FUNC: a callback, which must start a function
                    XCTAssertTrue(
                        program.functionStarts.dropFirst().contains(index + 1 + Int(insn.imm)),
                        "function reference to \(index + 1 + Int(insn.imm)) not in \(program.functionStarts)",
                        file: file, line: line)
                }
                if insn.src == 1 {
                    XCTAssertTrue(
                        (1...Int32(compiled.maps.count)).contains(insn.imm),
                        "map id \(insn.imm) not in 1...\(compiled.maps.count) in \(where_) at \(index)", file: file,
                        line: line)
                }
            case Instruction.call:
                XCTAssertEqual(
                    insn.src, 0, "only helper calls are expected in \(where_) at \(index)", file: file, line: line)
                XCTAssertTrue(
                    knownHelpers.contains(insn.imm), "unexpected helper \(insn.imm) in \(where_) at \(index)",
                    file: file, line: line)
            case Instruction.exit:
                break
            default:
                switch insn.instructionClass {
                case 0x00:
                    XCTFail("legacy LD instruction \(insn) in \(where_) at \(index)", file: file, line: line)
                case 0x05, 0x06:
                    let target = index + 1 + Int(insn.offset)
                    XCTAssertTrue(
                        starts.contains(target), "jump to \(target) outside \(where_) (\(all.count) slots) at \(index)",
                        file: file, line: line)
                default:
                    break
                }
            }
        }
    }
}
