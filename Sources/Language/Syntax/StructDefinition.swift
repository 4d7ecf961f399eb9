/// A struct defined in the program, C's way (`struct Foo { int x; char c[4]; struct Bar { int y; } bar; }`),
/// laid out as C lays it out (each member at its alignment, the size rounded to the largest),
/// or without padding when `__attribute__((packed))` follows.
public struct StructDefinition: Hashable, Sendable {
    public struct Member: Hashable, Sendable {
        public var name: String
        public var offset: Int
        public var size: Int
        public var kind: ContextField.Kind
    }
    /// `struct Foo`.
    public var name: String
    public var members: [Member]
    public var size: Int
    public var alignment: Int
    public var range: SourceRange

    public var fields: [ContextField] {
        members.map { ContextField(name: $0.name, offset: $0.offset, size: $0.size, kind: $0.kind) }
    }
}

/// A member's type as C declares it: its size, alignment and how bpfsh reads it.
struct CMemberType {
    var size: Int
    var alignment: Int
    var kind: ContextField.Kind

    /// The C scalar types a definition may use (`int`, `unsigned long`, `int32_t`, `u8`...).
    static func scalar(_ words: [String]) -> CMemberType? {
        let name = words.filter { $0 != "const" && $0 != "volatile" }.joined(separator: " ")
        let table: [String: (Int, Bool)] = [
            "char": (1, true), "signed char": (1, true), "unsigned char": (1, false), "bool": (1, false),
            "_Bool": (1, false), "short": (2, true), "unsigned short": (2, false), "int": (4, true),
            "signed": (4, true), "unsigned": (4, false), "unsigned int": (4, false), "long": (8, true),
            "unsigned long": (8, false), "long long": (8, true), "unsigned long long": (8, false),
            "int8_t": (1, true), "uint8_t": (1, false), "int16_t": (2, true), "uint16_t": (2, false),
            "int32_t": (4, true), "uint32_t": (4, false), "int64_t": (8, true), "uint64_t": (8, false),
            "size_t": (8, false), "pid_t": (4, true),
        ]
        if let (size, signed) = table[name] ?? SType.integerNames[name].map({ ($0.bytes, $0.signed) }) {
            return CMemberType(size: size, alignment: size, kind: .integer(signed: signed))
        }
        return nil
    }
}
