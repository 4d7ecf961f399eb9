/// Lays out the structs and unions a program defines as a C compiler for x86-64/BPF does:
/// each member at the next offset aligned to its type (1 when packed), a union's members all
/// at 0, the size rounded up to the largest alignment. Members become `ContextField`s, the
/// same description BTF members get, so `(struct Foo *)p`, `->`/`.`, `sizeof` and `offsetof`
/// work alike for both.
public struct CRecordLayout: Sendable {
    public var name: String
    public var size: Int
    public var alignment: Int
    public var members: [ContextField]

    public func member(named name: String) -> ContextField? { members.first { $0.name == name } }

    /// Every record of the program by name (`struct Foo`), or the first error.
    static func layouts(
        of records: [CRecordDefinition], typedefs: [CTypedef], catalogue: ProbeCatalogue
    ) throws -> [String: CRecordLayout] {
        var laid: [String: CRecordLayout] = [:]
        let aliases = Dictionary(typedefs.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
        for record in records {
            // The next free bit: bitfields pack within their type's units, other members start
            // at the next byte aligned to their type.
            var bits = 0
            var size = 0
            var alignment = 1
            var members: [ContextField] = []
            for field in record.fields {
                var typeName = field.typeName
                var stars = field.pointerDepth
                if let alias = aliases[typeName] {
                    typeName = alias.typeName
                    stars += alias.pointerDepth
                }
                let element: (size: Int, alignment: Int, kind: ContextField.Kind)
                if stars > 0 {
                    let pointee = typeName + String(repeating: " *", count: stars - 1)
                    element = (8, 8, .pointer(pointee: pointee))
                } else if let integer = CIntegerTypes.layout(typeName) {
                    element = (integer.size, integer.size, .integer(signed: integer.signed))
                } else if let width = Self.floatingSizes[typeName] {
                    // Kept for the layout; bpftrace has no floating-point values, so printed
                    // whole the member is null.
                    element = (width, width, .opaque)
                } else if let inner = laid[typeName] {
                    element = (inner.size, inner.alignment, .record(name: typeName))
                } else if typeName.hasPrefix("struct ") || typeName.hasPrefix("union "),
                    let kernelSize = catalogue.recordSize(of: typeName)
                {
                    element = (kernelSize, min(8, max(1, kernelSize & -kernelSize)), .record(name: typeName))
                } else {
                    throw Diagnostic(
                        "unknown type '\(typeName)' in \(record.name): define it first, or use a kernel type",
                        at: field.range)
                }
                if let width = field.bitWidth {
                    guard case .integer(let signed) = element.kind, field.arrayLengths.isEmpty else {
                        throw Diagnostic(
                            "bitfield '\(field.name)' of \(record.name) needs an integer type, not '\(typeName)'",
                            at: field.range)
                    }
                    let unit = element.size * 8
                    guard width <= unit else {
                        throw Diagnostic(
                            "bitfield '\(field.name)' of \(record.name) is wider (\(width) bits) than its type "
                                + "'\(typeName)' (\(unit) bits)", at: field.range)
                    }
                    if width == 0 {
                        guard field.name.isEmpty else {
                            throw Diagnostic(
                                "bitfield '\(field.name)' of \(record.name) has zero width", at: field.range)
                        }
                        // `int : 0;` ends the current unit: the next bitfield starts a new one.
                        if !record.isUnion { bits = (bits + unit - 1) / unit * unit }
                        continue
                    }
                    // Unless packed, a bitfield that would cross a boundary of its type's unit
                    // starts at the next one (the System V ABI's rule, which BPF shares).
                    var at = record.isUnion ? 0 : bits
                    if !record.packed, at % unit + width > unit { at = (at + unit - 1) / unit * unit }
                    if !field.name.isEmpty {
                        guard let (offset, bitfield) = Bitfield.at(bitOffset: at, width: width) else {
                            throw Diagnostic(
                                "bitfield '\(field.name)' of \(record.name) spans more than 8 bytes", at: field.range)
                        }
                        members.append(
                            ContextField(
                                name: field.name, offset: offset, size: element.size,
                                kind: .integer(signed: signed), bitfield: bitfield))
                        // Named bitfields align the record as their type does; unnamed ones do not.
                        alignment = max(alignment, record.packed ? 1 : element.alignment)
                    }
                    bits = max(bits, at + width)
                    size = max(size, (at + width + 7) / 8)
                    continue
                }
                let count = field.arrayLengths.reduce(1, *)
                let bytes = element.size * count
                var kind = element.kind
                if !field.arrayLengths.isEmpty {
                    let isChar = element.size == 1 && field.arrayLengths.count == 1 && stars == 0
                        && (typeName == "char" || typeName == "unsigned char" || typeName == "signed char")
                    kind = isChar ? .charArray(length: count) : Self.arrayKind(of: element.kind, size: element.size, field.arrayLengths)
                }
                let align = record.packed ? 1 : element.alignment
                alignment = max(alignment, align)
                let offset = (bits + 7) / 8
                let at = record.isUnion ? 0 : (offset + align - 1) / align * align
                // An embedded struct keeps its whole size (an array of them, all of theirs):
                // printed whole, it says how many elements there are.
                var memberSize = min(8, max(1, bytes))
                if case .record = kind { memberSize = bytes }
                members.append(
                    ContextField(
                        name: field.name, offset: at, size: memberSize, kind: kind,
                        isBool: stars == 0 && field.arrayLengths.isEmpty && ContextField.isBoolName(typeName)))
                bits = max(bits, (at + bytes) * 8)
                size = max(size, at + bytes)
            }
            if !record.packed { size = (size + alignment - 1) / alignment * alignment }
            laid[record.name] = CRecordLayout(name: record.name, size: size, alignment: alignment, members: members)
        }
        return laid
    }

    static let floatingSizes = ["float": 4, "double": 8, "long double": 16]

    /// `int y[2][2]` as an array of arrays of integers, outermost length first; arrays of
    /// structs stay opaque (only their address is known).
    static func arrayKind(of element: ContextField.Kind, size: Int, _ lengths: [Int]) -> ContextField.Kind {
        var type: SType
        switch element {
        case .integer(let signed): type = .int(bytes: size, signed: signed)
        case .pointer(let pointee): type = .pointer(pointee: pointee)
        // An array of structs is known by its first element's address (C's decay); indexing
        // moves by whole structs.
        case .record(let name) where lengths.count == 1: return .record(name: name)
        default: return .opaque
        }
        return .array(lengths.reversed().reduce(type) { .array(element: $0, count: $1) })
    }
}

/// C's integer type names and the kernel's and bpftrace's aliases for them.
enum CIntegerTypes {
    static func layout(_ name: String) -> (size: Int, signed: Bool)? {
        switch name {
        case "char", "signed char", "int8", "int8_t", "s8", "__s8": return (1, true)
        case "unsigned char", "uint8", "uint8_t", "u8", "__u8", "bool", "_Bool": return (1, false)
        case "short", "short int", "signed short", "int16", "int16_t", "s16", "__s16": return (2, true)
        case "unsigned short", "unsigned short int", "uint16", "uint16_t", "u16", "__u16", "__be16", "__le16":
            return (2, false)
        case "int", "signed", "signed int", "int32", "int32_t", "s32", "__s32", "pid_t": return (4, true)
        case "unsigned", "unsigned int", "uint32", "uint32_t", "u32", "__u32", "__be32", "__le32", "uid_t", "gid_t":
            return (4, false)
        case "long", "long int", "signed long", "long long", "long long int", "signed long long", "int64", "int64_t",
            "s64", "__s64", "ssize_t", "off_t":
            return (8, true)
        case "unsigned long", "unsigned long int", "unsigned long long", "unsigned long long int", "uint64",
            "uint64_t", "u64", "__u64", "size_t", "__be64", "__le64", "uintptr_t":
            return (8, false)
        default: return nil
        }
    }
}
