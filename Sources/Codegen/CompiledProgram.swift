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

    public func mapID(named name: String) -> Int32? {
        maps.firstIndex { $0.name == name }.map { Int32($0 + 1) }
    }
}
