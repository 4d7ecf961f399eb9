/// Struct values: `*p` of a struct pointer is the whole struct (its bytes read from memory),
/// as in bpftrace, so it can be printed, kept in a variable or a map, and its members read
/// from the copy; and `args` used as a value is a record of its fields.
extension SemanticAnalyzer {
    /// The value type of a struct or union by name: the program's own (which hide kernel
    /// types of the same name) or the kernel's, from BTF. Nil when neither knows it.
    mutating func structureType(named name: String, depth: Int = 0) -> CStructType? {
        let bare = Self.withoutQualifiers(typedefs[name]?.typeName ?? name)
        guard depth < CStructType.deepestNesting else { return nil }
        let size: Int
        let members: [ContextField]
        if let record = records[bare] {
            size = record.size
            members = record.members
        } else if let kernel = catalogue.members(of: bare), let kernelSize = catalogue.recordSize(of: bare) {
            size = kernelSize
            members = kernel
        } else {
            return nil
        }
        var fields: [CStructType.Field] = []
        for member in members {
            var type: SType
            switch member.kind {
            case .integer(let signed):
                type = member.isBool && member.bitfield == nil ? .bool : .int(bytes: min(8, max(1, member.size)), signed: signed)
            case .charArray(let length): type = .string(size: length)
            case .dataLocString, .opaque: type = .void
            case .pointer(let pointee): type = .pointer(pointee: pointee)
            case .array(let array): type = array
            case .record(let inner):
                guard let nested = structureType(named: inner, depth: depth + 1) else {
                    type = .void
                    break
                }
                // An array of structs is described by its first element; its size says how
                // many there are (none for a flexible array member).
                let count = nested.size > 0 && member.size != nested.size ? member.size / nested.size : 1
                type = count != 1 ? .array(element: .structure(nested), count: count) : .structure(nested)
            }
            fields.append(
                CStructType.Field(name: member.name, offset: member.offset, type: type, bitfield: member.bitfield))
        }
        return CStructType(name: bare, size: size, fields: fields)
    }

    /// `*p` of a pointer to a struct or union: the struct as a value, refused with the reason
    /// when it cannot be one.
    mutating func dereferencedStructure(_ pointee: String, _ expr: Expr, forMember: Bool) -> SType? {
        guard let type = structureType(named: pointee) else { return nil }
        if !forMember { requireHoldable(type, expr) }
        return .structure(type)
    }

    /// A struct read whole must fit the scratch area; `(*p).x` reads `x` alone, whatever the
    /// size of `*p`.
    mutating func requireHoldable(_ type: CStructType, _ expr: Expr) {
        guard type.size > CStructType.largestValue else { return }
        error(
            "\(type.name) is \(type.size) bytes, too large to read whole (at most \(CStructType.largestValue) "
                + "bytes fit the per-CPU scratch area beside the event that prints them): read its members instead",
            expr.range)
    }

    /// `args` as a value (`print(args)`, `@ = args`): a record of its fields in order, as
    /// bpftrace prints it. Nil when the probe's arguments are not known by name.
    func argumentsRecord() -> SType? {
        let fields = context.fields.filter { !$0.name.isEmpty }
        guard !fields.isEmpty else { return nil }
        return .record(names: fields.map(\.name), types: fields.map { fieldType($0) })
    }

    /// `s.x` of a struct value: the member as the struct holds it (a nested struct is a struct
    /// value too), recorded for code generation like a member read through a pointer.
    mutating func structureFieldType(_ type: CStructType, _ name: String, _ expr: Expr) -> SType {
        guard let field = type.field(named: name),
            let member = records[type.name]?.member(named: name) ?? catalogue.member(of: type.name, named: name)
        else {
            error("\(type.name) has no member '\(name)'", expr.range)
            return .s64
        }
        members[expr.id] = member
        switch field.type {
        case .structure(let nested):
            if !memberBases.contains(expr.id) { requireHoldable(nested, expr) }
            return field.type
        // An array of structs in a struct value is an array value too: printed whole, indexed
        // element by element (`$s.b[1].x`).
        case .array(.structure, _): return field.type
        default: return fieldType(member)
        }
    }

    /// `p->member` through a pointer: an embedded struct is a struct value, as in bpftrace
    /// (`print(curtask->se)`; `curtask->se.vruntime` still reads the member alone), while an
    /// array of structs stays its first element's address, which indexing moves by structs.
    mutating func memberValueType(_ member: ContextField, _ expr: Expr) -> SType {
        guard case .record(let name) = member.kind, let nested = structureType(named: name),
            member.size == nested.size
        else { return fieldType(member) }
        if !memberBases.contains(expr.id) { requireHoldable(nested, expr) }
        return .structure(nested)
    }

    /// Whether a pointee names a struct or union: `struct Foo`, `union N`, or a typedef of one.
    func isRecordName(_ pointee: String) -> Bool {
        if pointee.hasSuffix("*") { return false }
        let bare = Self.withoutQualifiers(typedefs[pointee]?.typeName ?? pointee)
        return bare.hasPrefix("struct ") || bare.hasPrefix("union ") || records[bare] != nil
    }

    static func withoutQualifiers(_ name: String) -> String {
        var words = name.split(separator: " ").map(String.init)
        words.removeAll { $0 == "const" || $0 == "volatile" }
        return words.joined(separator: " ")
    }
}
