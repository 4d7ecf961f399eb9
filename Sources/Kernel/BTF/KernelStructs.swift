import CBPF
import Foundation

/// A member of a kernel struct, as BTF describes it: where it is and how to read it.
public struct StructMember: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case integer(signed: Bool)
        /// A pointer; `pointee` is the C type pointed to (`struct task_struct`, `char`).
        case pointer(pointee: String)
        /// `char name[N]`.
        case charArray(length: Int)
        /// An embedded struct or union, named like `struct list_head`.
        case record(name: String)
        /// Anything else (other arrays, bitfields, function pointers): read as an integer.
        case opaque
    }
    public var name: String
    public var offset: Int
    public var size: Int
    public var kind: Kind
}

/// Kernel struct layouts from the running kernel's BTF (`/sys/kernel/btf/vmlinux`), for
/// `curtask->pid`, `args.prev->comm` and casts such as `((struct sock *)arg0)->...`.
///
/// Loaded on first use (about 10 ms) and cached for the process; read-only afterwards.
public final class KernelStructs: @unchecked Sendable {
    public static let shared: KernelStructs? = KernelStructs(path: "/sys/kernel/btf/vmlinux")

    private let btf: OpaquePointer
    private let lock = NSLock()
    private var cache: [String: [String: StructMember]] = [:]

    public init?(path: String) {
        cbpf_silence_libbpf()
        guard let handle = btf__parse_raw(path) else { return nil }
        btf = handle
    }

    deinit { btf__free(btf) }

    /// The member `name` of `typeName` (`struct task_struct`, `task_struct`, `union x`),
    /// looking inside anonymous structs and unions as C does.
    public func member(of typeName: String, named name: String) -> StructMember? {
        lock.lock()
        defer { lock.unlock() }
        let key = KernelStructs.normalize(typeName)
        if let members = cache[key] { return members[name] }
        guard let id = structID(key) else { return nil }
        var members: [String: StructMember] = [:]
        collect(id: id, baseOffset: 0, into: &members)
        cache[key] = members
        return members[name]
    }

    /// `const struct task_struct *` → `task_struct`.
    static func normalize(_ typeName: String) -> String {
        var words = typeName.replacingOccurrences(of: "*", with: " ").split(separator: " ").map(String.init)
        words.removeAll { ["const", "volatile", "struct", "union", "restrict"].contains($0) }
        return words.joined(separator: " ")
    }

    private func structID(_ name: String) -> UInt32? {
        for kind in [BTF_KIND_STRUCT, BTF_KIND_UNION] {
            let id = btf__find_by_name_kind(btf, name, UInt32(kind))
            if id > 0 { return UInt32(id) }
        }
        return nil
    }

    private func collect(id: UInt32, baseOffset: Int, into members: inout [String: StructMember]) {
        guard let type = btf__type_by_id(btf, id) else { return }
        let count = Int(btf_vlen(type))
        let hasBitfields = btf_kflag(type)
        guard let first = btf_members(type) else { return }
        for index in 0..<count {
            let member = first[index]
            let bitOffset = hasBitfields ? Int(member.offset & 0xFF_FFFF) : Int(member.offset)
            let offset = baseOffset + bitOffset / 8
            let resolved = resolve(member.type)
            if member.name_off == 0 {
                // Anonymous struct/union: its members belong to the enclosing type.
                if let t = btf__type_by_id(btf, resolved), [BTF_KIND_STRUCT, BTF_KIND_UNION].contains(Int(btf_kind(t))) {
                    collect(id: resolved, baseOffset: offset, into: &members)
                }
                continue
            }
            guard let namePointer = btf__name_by_offset(btf, member.name_off) else { continue }
            let name = String(cString: namePointer)
            let isBitfield = hasBitfields && (member.offset >> 24) != 0
            members[name] = describe(name: name, typeID: resolved, offset: offset, bitfield: isBitfield || bitOffset % 8 != 0)
        }
    }

    /// Skips typedefs and qualifiers.
    private func resolve(_ id: UInt32) -> UInt32 {
        var current = id
        for _ in 0..<32 {
            guard let type = btf__type_by_id(btf, current) else { return current }
            switch Int(btf_kind(type)) {
            case BTF_KIND_TYPEDEF, BTF_KIND_CONST, BTF_KIND_VOLATILE, BTF_KIND_RESTRICT, BTF_KIND_TYPE_TAG:
                current = type.pointee.type
            default:
                return current
            }
        }
        return current
    }

    private func describe(name: String, typeID: UInt32, offset: Int, bitfield: Bool) -> StructMember {
        let size = max(0, Int(btf__resolve_size(btf, typeID)))
        guard let type = btf__type_by_id(btf, typeID), !bitfield else {
            return StructMember(name: name, offset: offset, size: min(8, max(1, size)), kind: .opaque)
        }
        switch Int(btf_kind(type)) {
        case BTF_KIND_INT:
            let encoding = btf_int_encoding(type)
            return StructMember(name: name, offset: offset, size: size, kind: .integer(signed: encoding & UInt8(BTF_INT_SIGNED) != 0))
        case BTF_KIND_ENUM, BTF_KIND_ENUM64:
            return StructMember(name: name, offset: offset, size: size, kind: .integer(signed: false))
        case BTF_KIND_PTR:
            return StructMember(name: name, offset: offset, size: 8, kind: .pointer(pointee: typeName(resolve(type.pointee.type))))
        case BTF_KIND_ARRAY:
            guard let array = btf_array(type) else { break }
            let element = resolve(array.pointee.type)
            if let elementType = btf__type_by_id(btf, element), Int(btf_kind(elementType)) == BTF_KIND_INT,
               btf__resolve_size(btf, element) == 1 {
                return StructMember(name: name, offset: offset, size: size, kind: .charArray(length: Int(array.pointee.nelems)))
            }
        case BTF_KIND_STRUCT, BTF_KIND_UNION:
            return StructMember(name: name, offset: offset, size: size, kind: .record(name: typeName(typeID)))
        default:
            break
        }
        return StructMember(name: name, offset: offset, size: min(8, max(1, size)), kind: .opaque)
    }

    /// A C spelling of a type, enough to look it up again (`struct task_struct`, `char`).
    private func typeName(_ id: UInt32) -> String {
        guard id != 0, let type = btf__type_by_id(btf, id) else { return "void" }
        let name = btf__name_by_offset(btf, type.pointee.name_off).map { String(cString: $0) } ?? ""
        switch Int(btf_kind(type)) {
        case BTF_KIND_STRUCT: return "struct " + name
        case BTF_KIND_UNION: return "union " + name
        case BTF_KIND_PTR: return typeName(resolve(type.pointee.type)) + " *"
        default: return name.isEmpty ? "void" : name
        }
    }
}
