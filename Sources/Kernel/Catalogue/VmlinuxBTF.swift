import CBPF
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Why kernel BTF could not answer.
public enum BTFError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No BTF file: the kernel was built without CONFIG_DEBUG_INFO_BTF.
    case missing(path: String)
    /// The file exists but libbpf could not read or parse it.
    case unreadable(path: String, errno: OSErrno)
    /// No `btf_trace_<name>` typedef: there is no such raw tracepoint in this kernel.
    case noSuchTracepoint(String)
    /// The BTF for a tracepoint does not have the shape the kernel's tracepoint macros emit.
    case unexpectedShape(tracepoint: String, reason: String)

    public var description: String {
        switch self {
        case let .missing(path):
            return "no kernel BTF at \(path) (kernel built without CONFIG_DEBUG_INFO_BTF)"
        case let .unreadable(path, errno):
            return "cannot load BTF from \(path): \(errno)"
        case let .noSuchTracepoint(name):
            return "no raw tracepoint \(name) in kernel BTF (no btf_trace_\(name) typedef)"
        case let .unexpectedShape(name, reason):
            return "BTF of tracepoint \(name) is not understood: \(reason)"
        }
    }
}

/// One argument of a raw tracepoint, as BTF describes it (what tp_btf and rawtracepoint
/// programs receive in their u64 context slots).
public struct BTFTracepointArgument: Sendable, Hashable {
    /// The parameter name from the kernel's probe function, or `argN` when BTF has none.
    public var name: String
    /// The C spelling of the type (`struct task_struct *`, `bool`, `unsigned int`).
    public var typeName: String
    /// Size of the type in bytes (pointers are 8); 0 when BTF cannot size it.
    public var size: Int
    public var isPointer: Bool
    public var isSigned: Bool
    /// The BTF type id of the parameter, for callers that walk the type further.
    public var typeID: UInt32

    public init(name: String, typeName: String, size: Int, isPointer: Bool, isSigned: Bool, typeID: UInt32) {
        self.name = name
        self.typeName = typeName
        self.size = size
        self.isPointer = isPointer
        self.isSigned = isSigned
        self.typeID = typeID
    }

    /// `struct task_struct * prev`, the way `bpftrace -lv` prints an argument.
    public var declaration: String { "\(typeName) \(name)" }
}

/// The running kernel's BTF (/sys/kernel/btf/vmlinux), indexed for tracepoint questions.
///
/// Loading costs ~10 ms (libbpf parses ~5 MB), so one instance is shared per process
/// (`VmlinuxBTF.shared()`); it is immutable after loading, which makes concurrent reads safe.
/// The tracepoint index (`btf_trace_<name>` typedefs and the named probe functions) is built in
/// the same pass, so later lookups are dictionary hits rather than scans of ~130k types.
public final class VmlinuxBTF: @unchecked Sendable {
    /// `BPFTRACE_BTF` names another BTF file for the kernel's types, as in bpftrace (for a
    /// kernel built without BTF, with a file made by pahole).
    public static let defaultPath: String = {
        guard let custom = getenv("BPFTRACE_BTF"), custom.pointee != 0 else { return "/sys/kernel/btf/vmlinux" }
        return String(cString: custom)
    }()

    public let path: String
    let btf: OpaquePointer
    /// Tracepoint name → id of its `btf_trace_<name>` typedef.
    private let traceTypedefs: [String: UInt32]
    /// Function name → FUNC id, for `__bpf_trace_*` and `__probestub_*` only.
    private let probeFunctions: [String: UInt32]

    /// Struct/union name → type id, filled as the compiler asks (each miss is a ~1 ms scan).
    let compositeIDs = Mutex<[String: UInt32]>([:])

    /// Enumerator name → value, built on the first question (one scan of the types).
    let enumerators = Mutex<[String: Int64]?>(nil)

    private static let cache = Mutex<[String: Result<VmlinuxBTF, BTFError>]>([:])

    /// The process-wide instance for `path`, loaded on first use (a failure is remembered too).
    public static func shared(path: String = defaultPath) throws(BTFError) -> VmlinuxBTF {
        let result = cache.withLock { entries -> Result<VmlinuxBTF, BTFError> in
            if let known = entries[path] { return known }
            let loaded: Result<VmlinuxBTF, BTFError>
            do throws(BTFError) { loaded = .success(try VmlinuxBTF(path: path)) } catch { loaded = .failure(error) }
            entries[path] = loaded
            return loaded
        }
        return try result.get()
    }

    /// Whether a BTF file is at `path`, from its magic number alone: loading it costs ~10-20 ms
    /// (more on a busy machine), which a program that reads no kernel type should not pay just
    /// to learn that the kernel has BTF. Answers from the loaded instance when there is one.
    public static func isPresent(path: String = defaultPath) -> Bool {
        if let known = cache.withLock({ $0[path] }) {
            if case .success = known { return true }
            return false
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var magic: UInt16 = 0
        // btf_header.magic, in the byte order of the machine that wrote it.
        return read(fd, &magic, 2) == 2 && (magic == 0xEB9F || magic == 0x9FEB)
    }

    /// Loads and indexes the BTF file at `path`.
    public init(path: String = defaultPath) throws(BTFError) {
        guard SystemFile.exists(path) else { throw .missing(path: path) }
        cbpf_silence_libbpf()
        errno = 0
        guard let handle = btf__parse_raw(path) else {
            throw .unreadable(path: path, errno: OSErrno(errno == 0 ? EINVAL : errno))
        }
        self.path = path
        self.btf = handle
        var typedefs: [String: UInt32] = [:]
        var functions: [String: UInt32] = [:]
        typedefs.reserveCapacity(2048)
        let count = btf__type_cnt(handle)
        var id: UInt32 = 1
        while id < count {
            defer { id += 1 }
            guard let type = btf__type_by_id(handle, id) else { continue }
            let kind = Int(btf_kind(type))
            guard kind == BTFKind.typedef || kind == BTFKind.function,
                let name = btf__name_by_offset(handle, type.pointee.name_off)
            else { continue }
            if kind == BTFKind.typedef {
                if strncmp(name, "btf_trace_", 10) == 0 {
                    typedefs[String(cString: name + 10)] = id
                }
            } else if strncmp(name, "__bpf_trace_", 12) == 0 || strncmp(name, "__probestub_", 12) == 0 {
                functions[String(cString: name)] = id
            }
        }
        self.traceTypedefs = typedefs
        self.probeFunctions = functions
    }

    deinit { btf__free(btf) }

    /// Names of every raw tracepoint the kernel declares (the `btf_trace_` typedefs), sorted.
    public var tracepointNames: [String] { traceTypedefs.keys.sorted() }

    /// How many raw tracepoints BTF declares (without sorting their names).
    public var tracepointCount: Int { traceTypedefs.count }

    public var typeCount: Int { Int(btf__type_cnt(btf)) }

    /// True when `btf_trace_<name>` exists.
    public func hasTracepoint(_ name: String) -> Bool { traceTypedefs[name] != nil }

    /// The id of the `btf_trace_<name>` typedef: the attach_btf_id of a tp_btf program.
    public func tracepointTypeID(_ name: String) throws(BTFError) -> UInt32 {
        guard let id = traceTypedefs[name] else { throw .noSuchTracepoint(name) }
        return id
    }

    /// The arguments a raw tracepoint passes (after the hidden `void *__data`).
    ///
    /// Types come from `btf_trace_<name>` → pointer → FUNC_PROTO. That prototype has no
    /// parameter names, so names come from the kernel's probe function for the event, which
    /// shares the prototype: `__probestub_<name>` (one per event since 6.4) or
    /// `__bpf_trace_<name>` (one per event class); failing both, `arg0`, `arg1`, ...
    public func tracepointArguments(_ name: String) throws(BTFError) -> [BTFTracepointArgument] {
        let typedefID = try tracepointTypeID(name)
        guard let pointerID = target(of: typedefID), kind(of: pointerID) == BTFKind.pointer,
            let protoID = target(of: pointerID), kind(of: protoID) == BTFKind.functionProto,
            let proto = btf__type_by_id(btf, protoID)
        else {
            throw .unexpectedShape(
                tracepoint: name, reason: "btf_trace_\(name) is not a pointer to a function prototype")
        }
        let params = parameters(of: proto)
        guard !params.isEmpty else {
            throw .unexpectedShape(tracepoint: name, reason: "the prototype has no `void *__data` parameter")
        }
        let typeIDs = params.dropFirst().map(\.type)
        let names = parameterNames(for: name, parameterCount: params.count)
        return typeIDs.enumerated().map { index, typeID in
            let resolved = names?[index + 1] ?? ""
            return BTFTracepointArgument(
                name: resolved.isEmpty ? "arg\(index)" : resolved,
                typeName: typeName(typeID),
                size: size(of: typeID),
                isPointer: isPointer(typeID),
                isSigned: isSigned(typeID),
                typeID: typeID)
        }
    }

    /// The FUNC id of a kernel function (for fentry/fexit attach_btf_id), nil when absent.
    public func functionID(_ name: String) -> UInt32? {
        let id = btf__find_by_name_kind(btf, name, UInt32(BTFKind.function))
        return id > 0 ? UInt32(id) : nil
    }

    // MARK: - Types

    /// The name given to an anonymous struct or union: `<anon#ID>`.
    static func anonymousName(_ id: UInt32) -> String { "<anon#\(id)>" }

    /// The id in an `anonymousName`, nil for any other name.
    static func anonymousID(_ name: Substring) -> UInt32? {
        guard name.hasPrefix("<anon#"), name.hasSuffix(">") else { return nil }
        return UInt32(name.dropFirst(6).dropLast())
    }

    /// The C spelling of a type: `struct task_struct *`, `const char *`, `unsigned int`.
    public func typeName(_ id: UInt32) -> String {
        typeName(id, depth: 0)
    }

    private func typeName(_ id: UInt32, depth: Int) -> String {
        guard depth < 32 else { return "..." }
        if id == 0 { return "void" }
        guard let type = btf__type_by_id(btf, id) else { return "<bad type \(id)>" }
        let ownName = name(of: type)
        switch Int(btf_kind(type)) {
        case BTFKind.int, BTFKind.float, BTFKind.typedef:
            return ownName ?? "<anon>"
        // An anonymous struct or union is named by its BTF id, so that a member whose type it
        // is (`in6_addr.in6_u`) can be followed further (`.in6_u.u6_addr8`): `compositeID`
        // reads the id back.
        case BTFKind.structure:
            return "struct " + (ownName ?? Self.anonymousName(id))
        case BTFKind.union:
            return "union " + (ownName ?? Self.anonymousName(id))
        case BTFKind.enumeration, BTFKind.enumeration64:
            return "enum " + (ownName ?? "<anon>")
        case BTFKind.forward:
            return (btf_kflag(type) ? "union " : "struct ") + (ownName ?? "<anon>")
        case BTFKind.pointer:
            let targetID = type.pointee.type
            if kind(of: targetID) == BTFKind.functionProto {
                return functionPointerName(targetID, depth: depth + 1)
            }
            let pointee = typeName(targetID, depth: depth + 1)
            return pointee.hasSuffix("*") ? pointee + "*" : pointee + " *"
        case BTFKind.const, BTFKind.volatile, BTFKind.restrict:
            let qualifier =
                Int(btf_kind(type)) == BTFKind.const
                ? "const"
                : Int(btf_kind(type)) == BTFKind.volatile ? "volatile" : "restrict"
            let inner = typeName(type.pointee.type, depth: depth + 1)
            // A qualified pointer is written after the star (`char * const`).
            return kind(of: resolveModifiers(type.pointee.type)) == BTFKind.pointer
                ? inner + " " + qualifier : qualifier + " " + inner
        case BTFKind.typeTag:
            return typeName(type.pointee.type, depth: depth + 1)
        case BTFKind.array:
            let info = btf_array(type).pointee
            return typeName(info.type, depth: depth + 1) + "[\(info.nelems)]"
        case BTFKind.functionProto:
            return functionPointerName(id, depth: depth + 1)
        default:
            return ownName ?? "<kind \(btf_kind(type))>"
        }
    }

    private func functionPointerName(_ protoID: UInt32, depth: Int) -> String {
        guard let proto = btf__type_by_id(btf, protoID) else { return "void (*)()" }
        let returned = typeName(proto.pointee.type, depth: depth + 1)
        let params = parameters(of: proto).map { $0.type == 0 ? "..." : typeName($0.type, depth: depth + 1) }
        return "\(returned) (*)(\(params.joined(separator: ", ")))"
    }

    /// The size in bytes of a type, 0 when it has none (void, functions).
    public func size(of id: UInt32) -> Int {
        let size = btf__resolve_size(btf, id)
        return size > 0 ? Int(size) : 0
    }

    /// True when the type is a pointer once typedefs and qualifiers are looked through.
    public func isPointer(_ id: UInt32) -> Bool {
        kind(of: resolveAliases(id)) == BTFKind.pointer
    }

    /// True for signed integers and enums with negative values.
    public func isSigned(_ id: UInt32) -> Bool {
        let resolved = resolveAliases(id)
        guard let type = btf__type_by_id(btf, resolved) else { return false }
        switch Int(btf_kind(type)) {
        case BTFKind.int:
            return (btf_int_encoding(type) & UInt8(BTF_INT_SIGNED)) != 0
        case BTFKind.enumeration, BTFKind.enumeration64:
            return btf_kflag(type)
        default:
            return false
        }
    }

    // MARK: - Helpers

    private func parameterNames(for tracepoint: String, parameterCount: Int) -> [String]? {
        for candidate in ["__probestub_" + tracepoint, "__bpf_trace_" + tracepoint] {
            guard let funcID = probeFunctions[candidate], let protoID = target(of: funcID),
                let proto = btf__type_by_id(btf, protoID)
            else { continue }
            let params = parameters(of: proto)
            // Only trust names when the prototype has the same parameters.
            guard params.count == parameterCount else { continue }
            return params.map { param in
                guard let text = btf__name_by_offset(btf, param.name_off) else { return "" }
                return String(cString: text)
            }
        }
        return nil
    }

    func parameters(of proto: UnsafePointer<btf_type>) -> [btf_param] {
        let count = Int(btf_vlen(proto))
        guard count > 0 else { return [] }
        let first = btf_params(proto)!
        return (0..<count).map { first[$0] }
    }

    func name(of type: UnsafePointer<btf_type>) -> String? {
        guard type.pointee.name_off != 0, let text = btf__name_by_offset(btf, type.pointee.name_off),
            text.pointee != 0
        else { return nil }
        return String(cString: text)
    }

    func kind(of id: UInt32) -> Int {
        guard id != 0, let type = btf__type_by_id(btf, id) else { return BTFKind.void }
        return Int(btf_kind(type))
    }

    func target(of id: UInt32) -> UInt32? {
        guard id != 0, let type = btf__type_by_id(btf, id) else { return nil }
        return type.pointee.type
    }

    /// Looks through const/volatile/restrict/type tags.
    func resolveModifiers(_ id: UInt32) -> UInt32 {
        var current = id
        for _ in 0..<32 {
            let k = kind(of: current)
            guard k == BTFKind.const || k == BTFKind.volatile || k == BTFKind.restrict || k == BTFKind.typeTag,
                let next = target(of: current)
            else { return current }
            current = next
        }
        return current
    }

    /// Looks through typedefs as well as modifiers.
    func resolveAliases(_ id: UInt32) -> UInt32 {
        var current = id
        for _ in 0..<32 {
            let k = kind(of: current)
            guard
                k == BTFKind.const || k == BTFKind.volatile || k == BTFKind.restrict
                    || k == BTFKind.typeTag || k == BTFKind.typedef,
                let next = target(of: current)
            else { return current }
            current = next
        }
        return current
    }
}

/// BTF kind numbers (include/uapi/linux/btf.h), spelled out so comparisons stay plain Ints.
enum BTFKind {
    static let void = 0, int = 1, pointer = 2, array = 3, structure = 4, union = 5
    static let enumeration = 6, forward = 7, typedef = 8, volatile = 9, const = 10
    static let restrict = 11, function = 12, functionProto = 13, variable = 14, dataSection = 15
    static let float = 16, declTag = 17, typeTag = 18, enumeration64 = 19
}
