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
