import CBPF

/// A global variable of the kernel as BTF describes it (pahole emits the per-CPU ones).
public struct BTFKernelVariable: Sendable, Hashable {
    /// The id of the VAR itself: what an `ld_imm64` with `BPF_PSEUDO_BTF_ID` names.
    public var id: UInt32
    /// The C spelling of the variable's type (`unsigned long`, `struct rq`).
    public var typeName: String
    /// Its offset in `.data..percpu`, nil when it is not a per-CPU variable (only those are
    /// accepted by bpf_per_cpu_ptr and bpf_this_cpu_ptr).
    public var sectionOffset: Int?
}

extension VmlinuxBTF {
    /// The kernel variable `name` (`runqueues`, `process_counts`), nil when BTF has no VAR of
    /// that name.
    public func variable(named name: String) -> BTFKernelVariable? {
        let found = btf__find_by_name_kind(btf, name, UInt32(BTFKind.variable))
        guard found > 0, let type = btf__type_by_id(btf, UInt32(found)) else { return nil }
        let id = UInt32(found)
        return BTFKernelVariable(id: id, typeName: typeName(type.pointee.type), sectionOffset: perCPUOffset(of: id))
    }

    private func perCPUOffset(of variable: UInt32) -> Int? {
        let section = btf__find_by_name_kind(btf, ".data..percpu", UInt32(BTFKind.dataSection))
        guard section > 0, let type = btf__type_by_id(btf, UInt32(section)), let first = btf_var_secinfos(type)
        else { return nil }
        return (0..<Int(btf_vlen(type))).first { first[$0].type == variable }.map { Int(first[$0].offset) }
    }
}

extension VmlinuxBTF {
    /// The lengths of an array type, outermost first (`int y[2][3]` → [2, 3]), and the id of
    /// its innermost element; nil when the type is not an array.
    public func arrayShape(_ id: UInt32) -> (lengths: [Int], element: UInt32)? {
        var current = resolveAliases(id)
        var lengths: [Int] = []
        while kind(of: current) == BTFKind.array, let type = btf__type_by_id(btf, current), lengths.count < 8 {
            let info = btf_array(type).pointee
            lengths.append(Int(info.nelems))
            current = resolveAliases(info.type)
        }
        return lengths.isEmpty ? nil : (lengths, current)
    }

    /// Whether the type is an integer (or an enum or bool) once aliases are looked through.
    public func isInteger(_ id: UInt32) -> Bool {
        let k = kind(of: resolveAliases(id))
        return k == BTFKind.int || k == BTFKind.enumeration || k == BTFKind.enumeration64
    }
}
