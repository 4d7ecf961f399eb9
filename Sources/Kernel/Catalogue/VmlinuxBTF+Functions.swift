import CBPF

extension VmlinuxBTF {
    /// The parameters of a kernel function, for fentry/fexit `args` and for where fexit's
    /// return value sits (right after them in the context).
    public func functionArguments(_ name: String) -> [BTFTracepointArgument]? {
        guard let id = functionID(name), let protoID = target(of: id), kind(of: protoID) == BTFKind.functionProto,
            let proto = btf__type_by_id(btf, protoID)
        else { return nil }
        return parameters(of: proto).enumerated().map { index, parameter in
            let text =
                parameter.name_off == 0 ? nil : btf__name_by_offset(btf, parameter.name_off).map { String(cString: $0) }
            return BTFTracepointArgument(
                name: (text?.isEmpty ?? true) ? "arg\(index)" : text!,
                typeName: typeName(parameter.type), size: size(of: parameter.type),
                isPointer: isPointer(parameter.type), isSigned: isSigned(parameter.type),
                typeID: parameter.type)
        }
    }
}

extension VmlinuxBTF {
    /// Every kernel function BTF describes (FUNC types), sorted: what fentry can attach to and,
    /// on a kernel without kprobes or tracefs function lists, the best list of what kprobes
    /// would see. Walks every type, so callers ask only when they need it (wildcards).
    public func functionNames() -> [String] {
        var names = Set<String>()
        let count = btf__type_cnt(btf)
        var id: UInt32 = 1
        while id < count {
            defer { id += 1 }
            guard let type = btf__type_by_id(btf, id), Int(btf_kind(type)) == BTFKind.function,
                let name = btf__name_by_offset(btf, type.pointee.name_off)
            else { continue }
            names.insert(String(cString: name))
        }
        return names.sorted()
    }
}
