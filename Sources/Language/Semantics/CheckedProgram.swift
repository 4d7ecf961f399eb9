/// The output of semantic analysis: what code generation and the runtime need.

/// A program after name and type resolution, ready for code generation.
public struct CheckedProgram: Sendable {
    /// One unit per expanded attach point, in program order.
    public var units: [ProbeUnit]
    /// Maps in the order they first appear in the source (the order bpftrace prints them).
    public var maps: [MapInfo]
    /// Every format-using call site (printf, time, cat, system), per unit; the index is the id
    /// written into the event so the runtime knows how to decode and format it.
    public var formats: [FormatCall]
    public var source: SourceFile
    /// Maps this program itself reads or writes, in order of appearance.
    public var usedMaps: [String] = []
    /// The effective config (the program's block under the session's settings).
    public var config = ProgramConfig()
    /// Sizes of the structs the program defines (`struct Foo`), for pointer arithmetic.
    public var structSizes: [String: Int] = [:]
    /// What the user should hear about although the program was accepted: ignored config
    /// variables, dropped attach points, `#warning`.
    public var warnings: [Diagnostic] = []
    /// The id of `formats[0]`: a session numbers format calls across all its probes.
    public var formatIDBase: Int = 0

    public init(
        units: [ProbeUnit], maps: [MapInfo], formats: [FormatCall], source: SourceFile, formatIDBase: Int,
        usedMaps: [String]
    ) {
        self.units = units
        self.maps = maps
        self.formats = formats
        self.source = source
        self.formatIDBase = formatIDBase
        self.usedMaps = usedMaps
    }

    public func map(named name: String) -> MapInfo? { maps.first { $0.name == name } }
    public func format(id: Int) -> FormatCall? {
        let index = id - formatIDBase
        return formats.indices.contains(index) ? formats[index] : nil
    }
}

/// One attach point of a probe with its own types: `args` differs per tracepoint.
public struct ProbeUnit: Sendable {
    public var probeIndex: Int
    public var target: ProbeTarget
    /// The row of the provider table the target belongs to: code generation reads its program
    /// type, address space and whether it fires in the shell's own context.
    public var provider: ProviderDescriptor
    public var context: ProbeContext
    public var predicate: Expr?
    public var body: [Stmt]
    public var exprTypes: [Int: SType]
    public var variables: [String: SType]
    /// Format ids of the call sites in this unit, by expression id.
    public var formatIDs: [Int: Int]
    /// Values known at compile time (kaddr("sym")), by expression id.
    public var constants: [Int: UInt64] = [:]
    /// Strings known at compile time (getopt("name", "default")), by expression id.
    public var stringConstants: [Int: String] = [:]
    /// Struct members read through pointers (`p->field`), by expression id.
    public var members: [Int: ContextField] = [:]
    /// How each percpu_kaddr() call finds its variable, by expression id.
    public var perCPUVariables: [Int: PerCPUVariableAccess] = [:]
    public var range: SourceRange
}

/// A map as the whole program uses it.
public struct MapInfo: Sendable, Hashable {
    public enum Value: Sendable, Hashable {
        case aggregation(Aggregation, signed: Bool)
        case plain(SType)
    }
    public var name: String
    /// Empty for a map without keys.
    public var keys: [SType]
    public var value: Value
    public var range: SourceRange
    /// The program's `let @name = KIND(N)` for it, if any: the BPF map type and size.
    public var declaration: MapDeclaration?
    /// The format id of the warning a declared hash sends when it is full and refuses a new
    /// key (bpftrace's "Map full; can't update element", per event); nil for other maps,
    /// which are checked only when read, at no cost per event.
    public var fullWarning: Int?

    public init(name: String, keys: [SType], value: Value, range: SourceRange) {
        self.name = name
        self.keys = keys
        self.value = value
        self.range = range
    }

    /// A keyless aggregation is a one-slot per-CPU array: no hashing, no insertion.
    public var isArray: Bool {
        guard keys.isEmpty, declaration == nil, case .aggregation(let a, _) = value else { return false }
        return !a.addsBucketKey
    }

    /// Bytes of the key as stored in the kernel (a u32 index for arrays, a zero u64 for other
    /// maps without keys, plus the bucket index for histograms).
    public var keySize: Int {
        if isArray { return 4 }
        var size = keys.isEmpty ? 8 : keys.reduce(0) { $0 + $1.storageSize }
        if case .aggregation(let a, _) = value, a.addsBucketKey { size += 8 }
        return size
    }
    public var valueSize: Int {
        switch value {
        case .aggregation(let a, _): return a.valueSize
        case .plain(let t): return max(8, t.storageSize)
        }
    }
    public var isPerCPU: Bool { if case .aggregation = value { return true } else { return false } }

    /// The key parts a use written with `count` parts lines up with: bpftrace treats `@m[a, b]`
    /// and `@m[(a, b)]` alike, and both are laid out the same way, so a map keyed by one tuple
    /// may be used with the tuple's parts. Nil when the use does not fit the map's key.
    public func keyParts(forUseWith count: Int) -> [SType]? {
        if keys.count == count { return keys }
        if count > 1, keys.count == 1, case .tuple(let parts) = keys[0], parts.count == count { return parts }
        return nil
    }
}

/// A call whose event is handled in user space: the type checker decides what the runtime
/// does with it, and the dispatcher acts on that value (nothing is parsed back from text).
public struct FormatCall: Sendable, Hashable {
    /// The coarse kind, which fixes the record layout the generated code sends.
    public enum Kind: String, Sendable { case printf, time, cat, system, print, exit }
    public var id: Int
    public var action: RuntimeAction
    public var argumentTypes: [SType]
    public var range: SourceRange
    public var argumentRanges: [SourceRange]

    public var kind: Kind { action.kind }
}

/// What user space does when an event of a call arrives.
public enum RuntimeAction: Sendable, Hashable {
    /// `printf(format, ...)`: the arguments formatted.
    case printf(format: String)
    /// `cat(format, ...)`: the contents of the file the arguments name.
    case cat(format: String)
    /// `system(format, ...)`: the output of the command (only with --unsafe).
    case system(format: String)
    /// `time(format)`: the wall-clock time when the event reaches user space, as bpftrace does.
    case time(format: String)
    /// `print(expr)`: one value.
    case printValue
    /// `print(@m, top, divisor)`: the whole map.
    case printMap(name: String, top: Int, divisor: Int)
    /// `clear(@m)`: every key deleted.
    case clearMap(name: String)
    /// `zero(@m)`: every value set to zero, keys kept.
    case zeroMap(name: String)
    /// `join(array, separator)`: the strings of the array.
    case join(separator: String)
    /// `exit(code)`.
    case exit
    /// `errorf(format, ...)` and `warnf(format, ...)`: a message on standard error, prefixed
    /// with where the call is (`stdin:1:9-62: ERROR: `), as bpftrace prints them.
    /// `expandedFrom` is bpftrace's "expanded from" lines naming the macro call, if any.
    case report(format: String, place: String, isError: Bool, expandedFrom: String? = nil)
    /// A division or modulo by zero, which yields 1 as in bpftrace: warned once per place.
    case divideByZero(place: String)
    /// An array indexed past its end at run time (bpftrace's warning): warned once per place.
    case arrayOutOfBounds(place: String)
    /// `assert(cond, msg)` failed: the message with the call's place, then the run ends with
    /// status 1.
    case assertFailed(message: String, place: String, expandedFrom: String? = nil)
    /// `-k`: a probe read at this place failed; the event carries the helper's return code
    /// and number. `excerpt` is the source line with `~` under the read, as bpftrace shows it.
    case probeReadError(place: String, excerpt: String)

    public var kind: FormatCall.Kind {
        switch self {
        case .printf, .report, .divideByZero, .arrayOutOfBounds, .assertFailed, .probeReadError: return .printf
        case .cat: return .cat
        case .system: return .system
        case .time: return .time
        case .printValue, .printMap, .clearMap, .zeroMap, .join: return .print
        case .exit: return .exit
        }
    }

    /// The printf-style format of the calls that format their arguments.
    public var printfFormat: String? {
        switch self {
        case .printf(let format), .cat(let format), .system(let format), .report(let format, _, _, _): return format
        default: return nil
        }
    }
}
