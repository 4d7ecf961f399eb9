/// The functions a program may call: a value handed to the analyzer in
/// `SemanticAnalyzer.Options`, so a session or a test can add or replace rows.
public struct FunctionTable: Sendable {
    /// The rows in listing order (help, completion, docs, the "functions:" note).
    public private(set) var descriptors: [FunctionDescriptor] = []
    private var positions: [String: Int] = [:]

    public init(_ descriptors: [FunctionDescriptor]) {
        for descriptor in descriptors { add(descriptor) }
    }

    public subscript(name: String) -> FunctionDescriptor? {
        positions[name].map { descriptors[$0] }
    }

    public var names: [String] { descriptors.map(\.name) }

    /// Adds a row, or replaces the row of the same name where it stands.
    public mutating func add(_ descriptor: FunctionDescriptor) {
        if let position = positions[descriptor.name] {
            descriptors[position] = descriptor
        } else {
            positions[descriptor.name] = descriptors.count
            descriptors.append(descriptor)
        }
    }

    /// This table with `descriptor` added or replaced.
    public func adding(_ descriptor: FunctionDescriptor) -> FunctionTable {
        var table = self
        table.add(descriptor)
        return table
    }

    /// The language's own functions. Each row lives with its family (`AggregationFunctions`,
    /// `OutputFunctions`...); this list only fixes the order in which they are listed.
    public static let builtin = FunctionTable([
        .count, .sum, .avg, .min, .max, .stats, .hist, .lhist, .tseries,
        .printf, .print, .time, .str, .join, .ksym, .usym, .kaddr, .percpuKaddr, .ntop, .strncmp,
        .exit, .delete, .clear, .zero, .cat, .system, .kstack, .ustack, .sizeof, .reg,
        .uptr, .kptr, .signal, .writeUser, .strcontains, .strlen, .hasKey, .syscallName, .signalName, .strerror,
        .len, .nsecsFunction, .buf, .strftime, .pton, .errorf, .warnf, .ppid, .pcomm, .leaderTid, .leaderComm, .assert, .isErr,
        .bswap, .getopt, .cgroupPath,
        .isInteger, .isUnsignedInteger, .isStr, .isPtr, .isArray, .isLiteral, .assertStr, .defaultStrLength,
        .hasCpid, .fail, .staticAssert, .strConcat, .strstr, .strcap, .memcmp, .find,
        .containerOf, .override, .path,
        .cgroupid, .usermode, .macaddr, .signalThread, .socketCookie, .skboutput, .unwatch, .dwUstack, .uaddr,
        .kfuncExist, .kfuncAllowed,
    ])
}
