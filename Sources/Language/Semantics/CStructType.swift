/// A C struct or union as a value (`SType.structure`): what `*p` of a struct pointer, a
/// variable holding one, or `print(*curtask)` carries. Its bytes are C's layout, read from
/// memory as they lie; user space decodes each member at its offset, as bpftrace prints a
/// struct (`{ .m = 2, .n = 3 }`).
public struct CStructType: Hashable, Sendable {
    /// One member: where it lies and how it reads. A member whose type bpftrace cannot show
    /// (a float, a function) is `.void` and prints as `null`, as bpftrace prints it.
    public struct Field: Hashable, Sendable {
        public var name: String
        public var offset: Int
        /// `.int`, `.bool`, `.pointer`, `.string` (a `char name[N]`), `.array`, a nested
        /// `.structure`, or `.void`.
        public var type: SType
        public var bitfield: Bitfield?

        public init(name: String, offset: Int, type: SType, bitfield: Bitfield? = nil) {
            self.name = name
            self.offset = offset
            self.type = type
            self.bitfield = bitfield
        }
    }

    /// `struct Foo`, `union N`.
    public var name: String
    public var size: Int
    public var fields: [Field]

    public init(name: String, size: Int, fields: [Field]) {
        self.name = name
        self.size = size
        self.fields = fields
    }

    /// The largest struct held as a value. A value lives in the per-CPU scratch area
    /// (`Compiler.scratchSize`, 32 KiB, of which events take the first 4 KiB), and printing
    /// it takes an event as large again, so twice this must fit beside the other locals.
    public static let largestValue = 8192

    /// How deep nested structs are followed; a deeper one prints as null.
    static let deepestNesting = 12
}

extension CStructType {
    /// The field of this name, if any.
    public func field(named name: String) -> Field? { fields.first { $0.name == name } }
}
