import CBPF

/// A member of a kernel struct or union, as BTF lays it out: what `args.prev->pid` or
/// `curtask->mm` needs to compute a probe-read offset and a type.
public struct BTFStructMember: Sendable, Hashable {
    public var name: String
    /// The C spelling of the member's type (`pid_t`, `struct mm_struct *`, `char[16]`).
    public var typeName: String
    public var typeID: UInt32
    /// Byte offset from the start of the outer struct (anonymous unions flattened in).
    public var offset: Int
    /// Bit offset from the start of the outer struct; differs from `offset * 8` for bitfields.
    public var bitOffset: Int
    /// Width of a bitfield in bits, 0 for ordinary members.
    public var bitfieldSize: Int
    /// Bytes the member's type occupies (for arrays, the whole array).
    public var size: Int
    public var isPointer: Bool
    public var isSigned: Bool
    /// Element count when the member is an array (`char comm[16]` → 16).
    public var arrayCount: Int?
    /// The element type of an array member (`char`), nil otherwise.
    public var elementTypeName: String?
    /// The struct/union name the member is (or points to), for following `->` further:
    /// `struct mm_struct` for both `struct mm_struct *mm` and an embedded `struct mm_struct`.
    public var recordName: String?
}

extension VmlinuxBTF {
    /// The members of a struct or union (`struct task_struct`, `task_struct`, or a typedef of
    /// one), anonymous members flattened as C lets code name them; nil when BTF has no such type.
    public func members(of typeName: String) -> [BTFStructMember]? {
        guard let id = compositeID(typeName) else { return nil }
        var result: [BTFStructMember] = []
        collectMembers(of: id, baseBits: 0, into: &result, depth: 0)
        return result
    }

    /// One member by name, looking into anonymous structs and unions.
    public func member(of typeName: String, named name: String) -> BTFStructMember? {
        members(of: typeName)?.first { $0.name == name }
    }

    /// The type id of a struct or union by C name, resolving typedefs (`pid_t` is not one).
    public func compositeID(_ typeName: String) -> UInt32? {
        var name = Substring(typeName)
        while name.last == " " { name.removeLast() }
        var kinds = [BTFKind.structure, BTFKind.union, BTFKind.typedef]
        if name.hasPrefix("struct ") {
            name = name.dropFirst(7)
            kinds = [BTFKind.structure]
        } else if name.hasPrefix("union ") {
            name = name.dropFirst(6)
            kinds = [BTFKind.union]
        }
        if let id = Self.anonymousID(name) {
            let k = kind(of: id)
            return k == BTFKind.structure || k == BTFKind.union ? id : nil
        }
        let key = kinds.map(String.init).joined(separator: ",") + ":" + name
        if let cached = compositeIDs.withLock({ $0[key] }) { return cached == 0 ? nil : cached }
        var found: UInt32 = 0
        for kind in kinds {
            let id = btf__find_by_name_kind(btf, String(name), UInt32(kind))
            guard id > 0 else { continue }
            let resolved = resolveAliases(UInt32(id))
            let resolvedKind = self.kind(of: resolved)
            if resolvedKind == BTFKind.structure || resolvedKind == BTFKind.union {
                found = resolved
                break
            }
        }
        compositeIDs.withLock { $0[key] = found }
        return found == 0 ? nil : found
    }

    private func collectMembers(of id: UInt32, baseBits: Int, into result: inout [BTFStructMember], depth: Int) {
        guard depth < 16, let type = btf__type_by_id(btf, id) else { return }
        let count = Int(btf_vlen(type))
        guard count > 0, let first = btf_members(type) else { return }
        for index in 0..<count {
            let member = first[index]
            let bits = baseBits + Int(btf_member_bit_offset(type, UInt32(index)))
            let bitfield = Int(btf_member_bitfield_size(type, UInt32(index)))
            let memberName =
                member.name_off == 0 ? nil : btf__name_by_offset(btf, member.name_off).map { String(cString: $0) }
            let resolved = resolveAliases(member.type)
            let resolvedKind = kind(of: resolved)
            if memberName == nil || memberName == "" {
                if resolvedKind == BTFKind.structure || resolvedKind == BTFKind.union {
                    collectMembers(of: resolved, baseBits: bits, into: &result, depth: depth + 1)
                }
                continue
            }
            var arrayCount: Int?
            var elementTypeName: String?
            if resolvedKind == BTFKind.array, let arrayType = btf__type_by_id(btf, resolved) {
                let info = btf_array(arrayType).pointee
                arrayCount = Int(info.nelems)
                elementTypeName = typeName(info.type)
            }
            result.append(
                BTFStructMember(
                    name: memberName!, typeName: typeName(member.type), typeID: member.type,
                    offset: bits / 8, bitOffset: bits, bitfieldSize: bitfield,
                    size: size(of: member.type), isPointer: isPointer(member.type), isSigned: isSigned(member.type),
                    arrayCount: arrayCount, elementTypeName: elementTypeName,
                    recordName: recordName(of: member.type)))
        }
    }

    /// `struct mm_struct` for a member of type `struct mm_struct *` or `struct mm_struct`.
    func recordName(of id: UInt32) -> String? {
        var current = resolveAliases(id)
        if kind(of: current) == BTFKind.pointer, let pointee = target(of: current) {
            current = resolveAliases(pointee)
        }
        let k = kind(of: current)
        guard k == BTFKind.structure || k == BTFKind.union || k == BTFKind.forward,
            let type = btf__type_by_id(btf, current)
        else { return nil }
        let isUnion = k == BTFKind.union || (k == BTFKind.forward && btf_kflag(type))
        guard let name = name(of: type) ?? (k == BTFKind.forward ? nil : Self.anonymousName(current)) else {
            return nil
        }
        return (isUnion ? "union " : "struct ") + name
    }
}
