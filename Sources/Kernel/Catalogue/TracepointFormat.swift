/// One field of a tracepoint record, as its `format` file declares it.
///
/// The format file is the contract between the kernel and a BPF_PROG_TYPE_TRACEPOINT
/// program: the program receives a pointer to this record and reads fields at these offsets.
public struct TracepointField: Sendable, Hashable {
    /// How the field's bytes are laid out in the record.
    public enum Layout: Sendable, Hashable {
        /// A plain value of `size` bytes (integers, enums, bool).
        case scalar
        /// A pointer (`const char * filename`): the record holds the address, not the data.
        case pointer
        /// An inline array (`char comm[16]`); `count` is nil when the length is not a number
        /// (a macro name on old kernels), in which case `size` is the only truth.
        case array(element: String, count: Int?)
        /// A zero-length trailing array (`unsigned long args[]`, size 0).
        case flexibleArray(element: String)
        /// `__data_loc T[] name`: the record holds a u32 whose low 16 bits are the data's
        /// offset from the start of the record and whose high 16 bits are its length.
        case dataLocation(element: String)
        /// `__rel_loc T[] name`: like `__data_loc`, but the offset counts from the end of
        /// this 4-byte field rather than from the start of the record.
        case relativeLocation(element: String)
    }

    /// The C declaration exactly as the kernel printed it (`char prev_comm[16]`).
    public var declaration: String
    public var name: String
    /// The declared C type without the name and array suffix (`char`, `const char *`,
    /// `pid_t`); for `__data_loc char[] filename` it is `__data_loc char[]`.
    public var typeName: String
    /// Byte offset from the start of the record (the common header included).
    public var offset: Int
    /// Bytes the field occupies in the record. Syscall arguments are declared `int` but
    /// occupy 8 bytes; the size, not the declared type, says how much to load.
    public var size: Int
    public var isSigned: Bool
    public var layout: Layout

    public init(
        declaration: String, name: String, typeName: String, offset: Int, size: Int,
        isSigned: Bool, layout: Layout
    ) {
        self.declaration = declaration
        self.name = name
        self.typeName = typeName
        self.offset = offset
        self.size = size
        self.isSigned = isSigned
        self.layout = layout
    }

    /// The `common_*` header fields every event starts with (type, flags, preempt count, pid).
    public var isCommon: Bool { name.hasPrefix("common_") }

    public var isPointer: Bool { layout == .pointer }

    /// True for NUL-terminated text: `char name[N]` and `__data_loc char[] name`.
    public var isString: Bool {
        switch layout {
        case let .array(element, _), let .flexibleArray(element),
            let .dataLocation(element), let .relativeLocation(element):
            return Self.isCharType(element)
        case .scalar, .pointer:
            return false
        }
    }

    /// True when the record holds a location word rather than the data itself.
    public var isDynamic: Bool {
        switch layout {
        case .dataLocation, .relativeLocation: return true
        default: return false
        }
    }

    /// The element type of array-like fields, nil for scalars and pointers.
    public var elementType: String? {
        switch layout {
        case let .array(element, _), let .flexibleArray(element),
            let .dataLocation(element), let .relativeLocation(element):
            return element
        case .scalar, .pointer:
            return nil
        }
    }

    /// Where the data of a `__data_loc`/`__rel_loc` field lives, given the u32 read from the
    /// record at `offset`; nil for other layouts.
    public func dynamicSpan(locationWord: UInt32) -> (offset: Int, length: Int)? {
        let start = Int(locationWord & 0xffff)
        let length = Int(locationWord >> 16)
        switch layout {
        case .dataLocation: return (start, length)
        case .relativeLocation: return (offset + size + start, length)
        default: return nil
        }
    }

    static func isCharType(_ type: String) -> Bool {
        switch type {
        case "char", "const char", "signed char", "unsigned char": return true
        default: return false
        }
    }
}

/// The record layout of one tracepoint, parsed from `events/CATEGORY/EVENT/format`.
public struct TracepointFormat: Sendable, Hashable {
    public var category: String
    public var event: String
    /// The event id (the `ID:` line), used as perf_event_attr.config for PERF_TYPE_TRACEPOINT.
    public var id: Int?
    /// Every field, the `common_*` header included, in record order.
    public var allFields: [TracepointField]
    /// The `print fmt:` line's text, kept for `show` and for debugging.
    public var printFormat: String?
    /// Field lines the parser could not understand; a field named there is not in `allFields`.
    public var unparsedLines: [String]

    public init(
        category: String, event: String, id: Int?, allFields: [TracepointField],
        printFormat: String?, unparsedLines: [String]
    ) {
        self.category = category
        self.event = event
        self.id = id
        self.allFields = allFields
        self.printFormat = printFormat
        self.unparsedLines = unparsedLines
    }

    /// The fields a user sees as `args.NAME`: everything but the `common_*` header.
    public var fields: [TracepointField] { allFields.filter { !$0.isCommon } }

    public var commonFields: [TracepointField] { allFields.filter(\.isCommon) }

    /// Looks a field up by name, common fields included.
    public func field(named name: String) -> TracepointField? {
        allFields.first { $0.name == name }
    }

    /// The bytes of the fixed part of the record (dynamic data follows it).
    public var fixedSize: Int {
        allFields.reduce(0) { max($0, $1.offset + $1.size) }
    }

    /// `tracepoint:CATEGORY:EVENT`.
    public var probeName: String { "tracepoint:\(category):\(event)" }
}
