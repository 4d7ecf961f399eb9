/// Types of values in the probe language.
///
/// Layout rule used everywhere (map keys, map values, events, tuples): integers occupy 8
/// bytes, strings their buffer size rounded up to 8, and composites concatenate their parts.
/// A uniform layout keeps the BPF side, the decoder and the renderers in agreement.
public indirect enum SType: Hashable, Sendable, CustomStringConvertible {
    case void
    /// An integer of `bytes` width as declared (1, 2, 4, 8); held as 64 bits when computed.
    case int(bytes: Int, signed: Bool)
    /// A NUL-terminated string in a buffer of `size` bytes.
    case string(size: Int)
    case kstack(limit: Int)
    case ustack(limit: Int)
    /// A kernel address printed as a symbol name.
    case ksym
    /// A user address printed as a symbol name (carries the pid to symbolize it).
    case usym
    /// An address printed as an IPv4/IPv6 address (`ntop`).
    case inet
    case tuple([SType])
    /// A pointer into kernel or user memory; `pointee` is informational (e.g. "char").
    case pointer(pointee: String)
    /// The `args` of a probe.
    case context
    case aggregation(Aggregation)
    /// true or false: an integer to arithmetic and conditions, shown as `true`/`false`.
    case bool
    /// An integer user space shows as a name (`syscall_name`, `strerror`, `username`...).
    case named(NamedInteger)

    public static let u64 = SType.int(bytes: 8, signed: false)
    public static let s64 = SType.int(bytes: 8, signed: true)

    public var isInteger: Bool {
        switch self {
        case .int, .pointer, .bool, .named: return true
        default: return false
        }
    }
    public var isString: Bool { if case .string = self { return true } else { return false } }
    public var isSigned: Bool { if case .int(_, let s) = self { return s } else { return false } }

    /// Bytes this value occupies in a map key, map value, tuple or event (see the layout rule).
    public var storageSize: Int {
        switch self {
        case .void, .context, .aggregation: return 0
        case .int, .pointer, .ksym, .kstack, .bool, .named: return 8
        case .usym: return 16
        // Stack id, pid, and the caller's return address at a function-entry uprobe.
        case .ustack: return 24
        case .inet: return 24
        case .string(let size): return (size + 7) / 8 * 8
        case .tuple(let elements): return elements.reduce(0) { $0 + $1.storageSize }
        }
    }

    public var description: String {
        switch self {
        case .void: return "void"
        case .int(let bytes, let signed): return "\(signed ? "int" : "uint")\(bytes * 8)"
        case .string(let size): return "string[\(size)]"
        case .kstack: return "kstack"
        case .ustack: return "ustack"
        case .ksym: return "ksym"
        case .usym: return "usym"
        case .inet: return "inet"
        case .tuple(let e): return "(" + e.map(\.description).joined(separator: ", ") + ")"
        case .pointer(let p): return "\(p) *"
        case .context: return "args"
        case .aggregation(let a): return a.description
        case .bool: return "bool"
        case .named(let kind): return kind.rawValue
        }
    }

    /// Whether a value of type `other` can be stored where this type is expected
    /// (integers of any width together, strings of any size together).
    public func isCompatible(with other: SType) -> Bool {
        switch (self, other) {
        case (.int, .int), (.int, .pointer), (.pointer, .int), (.pointer, .pointer): return true
        case (.bool, .bool), (.bool, .int), (.int, .bool): return true
        // An enum's value mixes with plain integers (and then prints as a number).
        case (.named, .int), (.int, .named): return true
        case (.string, .string): return true
        case (.kstack, .kstack), (.ustack, .ustack): return true
        case (.tuple(let a), .tuple(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.isCompatible(with: $1) }
        default: return self == other
        }
    }

    /// The wider of two compatible types, so `@x = 1; @x = comm` is refused but
    /// `@s[1] = "ab"; @s[2] = comm` stores strings of the larger size.
    public func widened(with other: SType) -> SType {
        switch (self, other) {
        case (.string(let a), .string(let b)): return .string(size: max(a, b))
        case (.int(let a, let sa), .int(let b, let sb)): return .int(bytes: max(a, b), signed: sa || sb)
        case (.named(let a), .named(let b)) where a != b: return .s64
        case (.named, .int), (.int, .named): return .s64
        case (.tuple(let a), .tuple(let b)) where a.count == b.count:
            return .tuple(zip(a, b).map { $0.widened(with: $1) })
        default: return self
        }
    }
}

/// What a `SType.named` integer names.
public enum NamedInteger: Hashable, Sendable {
    case syscall, signal, errno, user
    /// A value of a C enum the program defines: printed as its enumerator's name, or as the
    /// number when no enumerator has it.
    case enumeration(CEnumType)

    /// The function (or type) that makes such values, for messages.
    public var rawValue: String {
        switch self {
        case .syscall: return "syscall_name"
        case .signal: return "signal_name"
        case .errno: return "strerror"
        case .user: return "username"
        case .enumeration(let type): return "enum " + type.name
        }
    }
}

/// A C enum as a program defines it (`enum Foo { ONE = 1, TWO }`); anonymous ones are named
/// by their first enumerator.
public struct CEnumType: Hashable, Sendable {
    public var name: String
    public var enumerators: [CEnumerator]

    public init(name: String, enumerators: [CEnumerator]) {
        self.name = name
        self.enumerators = enumerators
    }

    /// The enumerator's name for a value (the first of several with that value).
    public func name(of value: Int64) -> String? { enumerators.first { $0.value == value }?.name }
}

public struct CEnumerator: Hashable, Sendable {
    public var name: String
    public var value: Int64
    public init(name: String, value: Int64) {
        self.name = name
        self.value = value
    }
}

/// Aggregating functions that may only be assigned to maps.
public enum Aggregation: Hashable, Sendable, CustomStringConvertible {
    case count, sum, min, max, avg, stats, hist
    case lhist(min: Int64, max: Int64, step: Int64)

    public var description: String {
        switch self {
        case .count: return "count"
        case .sum: return "sum"
        case .min: return "min"
        case .max: return "max"
        case .avg: return "avg"
        case .stats: return "stats"
        case .hist: return "hist"
        case .lhist: return "lhist"
        }
    }

    /// Bytes of the per-CPU value: one counter, or two for a (total, count) pair or a
    /// (value, has-value) pair for min/max.
    public var valueSize: Int {
        switch self {
        case .count, .sum, .hist, .lhist: return 8
        case .min, .max, .avg, .stats: return 16
        }
    }
    /// Histograms add a bucket index after the user's key.
    public var addsBucketKey: Bool {
        switch self {
        case .hist, .lhist: return true
        default: return false
        }
    }
}
