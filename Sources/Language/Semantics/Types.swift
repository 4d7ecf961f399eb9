/// How a stack prints (bpftrace's stack modes).
public enum StackMode: String, Hashable, Sendable, CaseIterable {
    /// `do_mmap+1`
    case bpftrace
    /// perf's: the address, then the symbol and where it lives (`ffffffffb4019501 do_mmap+1 ([kernel.kallsyms])`).
    case perf
    /// The addresses alone, unsymbolized.
    case raw
    /// The file's build id and the offset in it (user stacks only): symbolized elsewhere.
    case buildID = "build_id"
}

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
    /// A stack by its id; `mode` is how it prints (`kstack(perf)`, `config = { stack_mode=raw }`).
    case kstack(limit: Int, mode: StackMode = .bpftrace)
    case ustack(limit: Int, mode: StackMode = .bpftrace)
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
    /// Up to `size` raw bytes (`buf()`): stored as their length, then the bytes.
    case buffer(size: Int)
    /// Boot-time nanoseconds that user space prints as wall-clock time (`strftime`).
    case timestamp(format: String)
    /// A value of an enum the program defines: an integer printed as its member's name.
    case enumeration(EnumType)
    /// A tuple whose fields have names (`(a = 1, b = "x")`), laid out as a tuple.
    case record(names: [String], types: [SType])
    /// `count` elements packed as C lays them out (`int x[4]`, `(int8[])"hi"`), not in the
    /// 8-byte slots of a tuple: an array is copied from memory as it is. `element` is an
    /// integer, a pointer or another array.
    case array(element: SType, count: Int)
    /// A C struct or union held whole (`*p`, `$s = *p`, `print(*curtask)`): its bytes as C
    /// lays them out, copied from memory, decoded member by member in user space.
    case structure(CStructType)

    /// An integer literal's type, as current bpftrace gives it: the smallest signed type that
    /// holds it (`1` is int8, `1000` int16), uint64 past int64.
    public static func literal(_ value: UInt64) -> SType {
        switch value {
        case 0...UInt64(Int8.max): return .int(bytes: 1, signed: true)
        case 0...UInt64(Int16.max): return .int(bytes: 2, signed: true)
        case 0...UInt64(Int32.max): return .int(bytes: 4, signed: true)
        case 0...UInt64(Int64.max): return .s64
        default: return .u64
        }
    }

    /// The type of `-value` written as a literal (`-1` is int8, `-129` int16).
    public static func negativeLiteral(_ value: UInt64) -> SType {
        switch value {
        case 0...128: return .int(bytes: 1, signed: true)
        case 0...32768: return .int(bytes: 2, signed: true)
        case 0...(1 << 31): return .int(bytes: 4, signed: true)
        default: return .s64
        }
    }

    public static let u64 = SType.int(bytes: 8, signed: false)
    public static let s64 = SType.int(bytes: 8, signed: true)

    public var isInteger: Bool {
        switch self {
        case .int, .pointer, .bool, .enumeration: return true
        default: return false
        }
    }
    public var isString: Bool { if case .string = self { return true } else { return false } }
    public var isSigned: Bool { if case .int(_, let s) = self { return s } else { return false } }

    /// Bytes this value occupies in a map key, map value, tuple or event (see the layout rule).
    public var storageSize: Int {
        switch self {
        case .void, .context, .aggregation: return 0
        case .int, .pointer, .ksym, .kstack, .bool, .named, .timestamp, .enumeration: return 8
        case .usym: return 16
        // Stack id, pid, and the caller's return address at a function-entry uprobe.
        case .ustack: return 24
        case .inet: return 24
        case .string(let size): return (size + 7) / 8 * 8
        case .buffer(let size): return 8 + (size + 7) / 8 * 8
        case .tuple(let elements), .record(_, let elements): return elements.reduce(0) { $0 + $1.storageSize }
        case .array: return (packedSize + 7) / 8 * 8
        case .structure(let type): return (max(1, type.size) + 7) / 8 * 8
        }
    }

    /// Bytes an array element or an array occupies inside an array (C's sizeof): integers
    /// their width, pointers 8, arrays their elements without padding.
    public var packedSize: Int {
        switch self {
        case .int(let bytes, _): return bytes
        case .bool: return 1
        case .array(let element, let count): return element.packedSize * count
        // Inside a struct: a `char name[N]` member and a nested struct take their own size.
        case .string(let size): return size
        case .structure(let type): return type.size
        case .void: return 0
        default: return 8
        }
    }

    public var isArray: Bool { if case .array = self { return true } else { return false } }
    public var isStructure: Bool { if case .structure = self { return true } else { return false } }

    public var description: String {
        switch self {
        case .void: return "void"
        case .int(let bytes, let signed): return "\(signed ? "int" : "uint")\(bytes * 8)"
        case .string(let size): return "string[\(size)]"
        case .kstack(_, let mode): return mode == .bpftrace ? "kstack" : "kstack(\(mode.rawValue))"
        case .ustack(_, let mode): return mode == .bpftrace ? "ustack" : "ustack(\(mode.rawValue))"
        case .ksym: return "ksym"
        case .usym: return "usym"
        case .inet: return "inet"
        case .tuple(let e): return "(" + e.map(\.description).joined(separator: ", ") + ")"
        case .pointer(let p): return "\(p) *"
        case .context: return "args"
        case .aggregation(let a): return a.description
        case .bool: return "bool"
        case .named(let kind): return kind.rawValue
        case .buffer(let size): return "buffer[\(size)]"
        case .timestamp: return "timestamp"
        case .enumeration(let type): return "enum \(type.name)"
        case .record(let names, let types):
            return "{ " + zip(names, types).map { ".\($0) = \($1)" }.joined(separator: ", ") + " }"
        case .array:
            // `int32[2][2]`: the innermost element, then the lengths outermost first, as C.
            var lengths = ""
            var element = self
            while case .array(let inner, let count) = element {
                lengths += "[\(count)]"
                element = inner
            }
            return "\(element)\(lengths)"
        case .structure(let type): return type.name
        }
    }

    /// Whether a value of type `other` can be stored where this type is expected
    /// (integers of any width together, strings of any size together).
    public func isCompatible(with other: SType) -> Bool {
        switch (self, other) {
        case (.int, .int), (.int, .pointer), (.pointer, .int), (.pointer, .pointer): return true
        case (.bool, .bool), (.bool, .int), (.int, .bool): return true
        case (.enumeration, .enumeration), (.enumeration, .int), (.int, .enumeration): return true
        case (.string, .string), (.buffer, .buffer): return true
        case (.kstack, .kstack), (.ustack, .ustack): return true
        case (.tuple(let a), .tuple(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.isCompatible(with: $1) }
        case (.record(let names, let types), .record(let otherNames, let otherTypes)):
            // The same fields, in any order: a record is stored in the order first seen.
            return Set(names) == Set(otherNames) && names.count == otherNames.count
                && zip(names, types).allSatisfy { name, type in
                    otherTypes[otherNames.firstIndex(of: name)!].isCompatible(with: type)
                }
        default: return self == other
        }
    }

    /// The wider of two compatible types, so `@x = 1; @x = comm` is refused but
    /// `@s[1] = "ab"; @s[2] = comm` stores strings of the larger size.
    public func widened(with other: SType) -> SType {
        switch (self, other) {
        case (.string(let a), .string(let b)): return .string(size: max(a, b))
        case (.buffer(let a), .buffer(let b)): return .buffer(size: max(a, b))
        // Values of one enum keep printing as names; mixed with other integers they are numbers.
        case (.enumeration(let a), .enumeration(let b)): return a == b ? self : .s64
        case (.enumeration, .int): return .s64
        case (.int(let a, let sa), .int(let b, let sb)):
            if sa == sb { return .int(bytes: max(a, b), signed: sa) }
            // Mixed signs: the signed type that holds both, int64 when none does (bpftrace's rule).
            let (signedBytes, unsignedBytes) = sa ? (a, b) : (b, a)
            return .int(bytes: unsignedBytes < signedBytes ? signedBytes : min(8, unsignedBytes * 2), signed: true)
        case (.named(let a), .named(let b)) where a != b: return .s64
        case (.named, .int), (.int, .named): return .s64
        case (.tuple(let a), .tuple(let b)) where a.count == b.count:
            return .tuple(zip(a, b).map { $0.widened(with: $1) })
        case (.record(let names, let types), .record(let otherNames, let otherTypes))
        where Set(names) == Set(otherNames):
            return .record(
                names: names,
                types: zip(names, types).map { name, type in
                    type.widened(with: otherTypes[otherNames.firstIndex(of: name)!])
                })
        default: return self
        }
    }
}

extension SType {
    /// Integer types by the names a cast or a pointer's pointee uses: (bytes, signed).
    public static let integerNames: [String: (bytes: Int, signed: Bool)] = [
        "int8": (1, true), "s8": (1, true), "signed char": (1, true), "char": (1, true),
        "uint8": (1, false), "u8": (1, false), "unsigned char": (1, false), "bool": (1, false),
        "int16": (2, true), "s16": (2, true), "short": (2, true),
        "uint16": (2, false), "u16": (2, false), "unsigned short": (2, false),
        "int32": (4, true), "s32": (4, true), "int": (4, true), "signed": (4, true), "signed int": (4, true),
        "pid_t": (4, true), "uint32": (4, false), "u32": (4, false), "unsigned": (4, false),
        "unsigned int": (4, false), "int64": (8, true), "s64": (8, true), "long": (8, true),
        "long long": (8, true), "signed long": (8, true), "uint64": (8, false), "u64": (8, false),
        "unsigned long": (8, false), "unsigned long long": (8, false), "size_t": (8, false),
    ]

    /// Bytes of what a pointer points at: `p + 1` moves by this many, as in C. A pointer to a
    /// pointer moves by 8; void and types not described here by 1.
    public var pointeeSize: Int {
        guard case .pointer(let pointee) = self else { return 1 }
        if pointee.hasSuffix("*") { return 8 }
        return SType.integerNames[Self.bareTypeName(pointee)]?.bytes ?? 1
    }

    /// The integer type a pointer points at, when it is one (what `*p` reads).
    public var pointeeInteger: (bytes: Int, signed: Bool)? {
        guard case .pointer(let pointee) = self, !pointee.hasSuffix("*") else { return nil }
        return SType.integerNames[Self.bareTypeName(pointee)]
    }

    private static func bareTypeName(_ name: String) -> String {
        var words = name.split(separator: " ").map(String.init)
        words.removeAll { $0 == "const" || $0 == "volatile" }
        return words.joined(separator: " ")
    }

    public var isPointer: Bool { if case .pointer = self { return true } else { return false } }
}

/// An enum the program defines (`enum Foo { A, B = 5 }`): its name ("" when anonymous) and
/// its members by value, so user space prints a value as its name.
public struct EnumType: Hashable, Sendable {
    public var name: String
    public var names: [Int64: String]
    public init(name: String, names: [Int64: String]) {
        self.name = name
        self.names = names
    }
}

/// What a `SType.named` integer names.
public enum NamedInteger: String, Hashable, Sendable {
    case syscall = "syscall_name", signal = "signal_name", errno = "strerror", user = "username"
    case cgroupPath = "cgroup_path"
    /// Six bytes of a MAC address in memory order in the low bytes (macaddr()).
    case macAddress = "macaddr"
}

/// Aggregating functions that may only be assigned to maps.
public enum Aggregation: Hashable, Sendable, CustomStringConvertible {
    case count, sum, min, max, avg, stats, hist
    case lhist(min: Int64, max: Int64, step: Int64)
    case tseries(TimeSeriesSpec)

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
        case .tseries: return "tseries"
        }
    }

    /// Bytes of the per-CPU value: one counter, or two for a (total, count) pair or a
    /// (value, has-value) pair for min/max; a time series interval is (value, meta, epoch).
    public var valueSize: Int {
        switch self {
        case .count, .sum, .hist, .lhist: return 8
        case .min, .max, .avg, .stats: return 16
        case .tseries: return TimeSeriesSpec.slotSize
        }
    }
    /// Histograms add a bucket index after the user's key, time series the interval's slot.
    public var addsBucketKey: Bool {
        switch self {
        case .hist, .lhist, .tseries: return true
        default: return false
        }
    }
}
