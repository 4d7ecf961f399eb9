import CBPF

extension VmlinuxBTF {
    /// The value of an enumerator of any enum the kernel declares (`SKB_DROP_REASON_NOT_SPECIFIED`,
    /// `TCP_ESTABLISHED`), as bpftrace resolves such names; nil when no enum has it.
    public func enumValue(named name: String) -> Int64? {
        enumerators.withLock { index in
            if index == nil { index = buildEnumeratorIndex() }
            return index?[name]
        }
    }

    /// Every enumerator by name. When two enums share a name (they cannot in one C program,
    /// but BTF merges the kernel's), the first one declared is kept.
    private func buildEnumeratorIndex() -> [String: Int64] {
        var index: [String: Int64] = [:]
        index.reserveCapacity(32_768)
        let count = btf__type_cnt(btf)
        var id: UInt32 = 1
        while id < count {
            defer { id += 1 }
            guard let type = btf__type_by_id(btf, id) else { continue }
            let kind = Int(btf_kind(type))
            let values = Int(btf_vlen(type))
            if kind == BTFKind.enumeration, let first = btf_enum(type) {
                let signed = btf_kflag(type)
                for k in 0..<values {
                    let entry = first[k]
                    guard let text = btf__name_by_offset(btf, entry.name_off) else { continue }
                    let value = signed ? Int64(entry.val) : Int64(UInt32(bitPattern: entry.val))
                    let name = String(cString: text)
                    if index[name] == nil { index[name] = value }
                }
            } else if kind == BTFKind.enumeration64, let first = btf_enum64(type) {
                for k in 0..<values {
                    guard let text = btf__name_by_offset(btf, first[k].name_off) else { continue }
                    let name = String(cString: text)
                    if index[name] == nil { index[name] = Int64(bitPattern: btf_enum64_value(first + k)) }
                }
            }
        }
        return index
    }
}
