import CLLVM
import Language

/// How one function of the language becomes BPF: the codegen half of a `FunctionDescriptor`
/// row, keyed by the same name.
public struct FunctionLowering: Sendable {
    public var name: String
    /// Emits the call at the builder's position and returns its value.
    public var lower: @Sendable (CallLowering) -> Lowered

    public init(name: String, lower: @escaping @Sendable (CallLowering) -> Lowered) {
        self.name = name
        self.lower = lower
    }
}

/// The lowering of every function: a value in `CodegenOptions`, so a session or a test can
/// add or replace rows alongside the language's `FunctionTable`.
public struct FunctionLoweringTable: Sendable {
    private var rows: [String: FunctionLowering] = [:]

    public init(_ lowerings: [FunctionLowering]) {
        for lowering in lowerings { add(lowering) }
    }

    public subscript(name: String) -> FunctionLowering? { rows[name] }

    public var names: [String] { rows.keys.sorted() }

    /// Adds a row, or replaces the row of the same name.
    public mutating func add(_ lowering: FunctionLowering) { rows[lowering.name] = lowering }

    /// This table with `lowering` added or replaced.
    public func adding(_ lowering: FunctionLowering) -> FunctionLoweringTable {
        var table = self
        table.add(lowering)
        return table
    }

    /// The lowering of the language's own functions (`FunctionTable.builtin`), by family.
    public static let builtin = FunctionLoweringTable(
        FunctionLowering.aggregations + FunctionLowering.output + FunctionLowering.strings + FunctionLowering.symbols
            + FunctionLowering.stacks + FunctionLowering.maps + FunctionLowering.unsafe + FunctionLowering.misc
            + FunctionLowering.stringSearch + FunctionLowering.mapQueries + FunctionLowering.names
            + FunctionLowering.mapLength + FunctionLowering.time + FunctionLowering.buffers
            + FunctionLowering.addresses + FunctionLowering.tasks
            + FunctionLowering.assertions + FunctionLowering.errorPointers + FunctionLowering.integers
            + FunctionLowering.options + FunctionLowering.cgroups + FunctionLowering.percpu + FunctionLowering.typePredicates
            + FunctionLowering.stringEdits + FunctionLowering.mapFind + FunctionLowering.containerOf
            + FunctionLowering.refused + FunctionLowering.contexts + FunctionLowering.macAddresses
            + FunctionLowering.sockets + FunctionLowering.userAddresses + FunctionLowering.kernelFunctions)
}
