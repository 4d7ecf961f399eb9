import Language

/// The result of compiling a checked program.
public struct CompiledProgram: Sendable {
    public var checked: CheckedProgram
    public var programs: [ProgramSpec]
    /// Map specs by id (the id is the index + 1, so 0 never names a map).
    public var maps: [MapSpec]
    /// The LLVM IR text, kept for `show --ir`.
    public var ir: String
    public var timings: [String: Double]
    /// Whether the code came from the compiled-program cache instead of LLVM.
    public var fromCache = false

    /// Each program's code, in unit order: what a cache keeps to skip LLVM next time.
    public var code: [ProgramCode] { programs.map { ProgramCode(instructions: $0.instructions, functionStarts: $0.functionStarts) } }

    public func mapID(named name: String) -> Int32? {
        maps.firstIndex { $0.name == name }.map { Int32($0 + 1) }
    }
}

/// One program's emitted code, without what the checked program already says (its target,
/// type, name): the part of a `CompiledProgram` that LLVM makes.
public struct ProgramCode: Sendable, Equatable {
    public var instructions: [UInt64]
    /// Instruction indexes where the program's functions start (its own at 0).
    public var functionStarts: [Int]
    public init(instructions: [UInt64], functionStarts: [Int]) {
        self.instructions = instructions
        self.functionStarts = functionStarts
    }

    /// The indexes of instructions whose 32-bit immediate is `value`: the places a value
    /// compiled in as a placeholder is replaced at load time.
    public func sites(ofImmediate value: UInt32) -> [Int] {
        instructions.indices.filter { UInt32(truncatingIfNeeded: instructions[$0] >> 32) == value }
    }

    /// The code with the immediate of each instruction at `sites` set to `value`.
    public func replacingImmediate(at sites: [Int], with value: UInt32) -> ProgramCode {
        var copy = self
        for index in sites {
            copy.instructions[index] = (copy.instructions[index] & 0xFFFF_FFFF) | (UInt64(value) << 32)
        }
        return copy
    }
}
