/// find(): one lookup that both tests a key and reads its value.
extension FunctionDescriptor {
    public static let find = FunctionDescriptor(
        name: "find", signature: "find(@m, key, $result)", result: "bool",
        summary: "whether @m holds key; when it does, its value is stored in $result", category: .map
    ) { call in
        let args = call.arguments
        guard call.arity(3...3) else { return .bool }
        guard case .variable(let variable) = args[2].kind else {
            call.error("find() stores the value in a scratch variable such as $v", args[2].range)
            return .bool
        }
        guard let map = call.keyedMap(for: "find") else { return .bool }
        if !map.keyMatches {
            call.error(
                "find() key \(map.keyType) does not match @\(map.name)'s keys \(SType.tuple(map.info.keys))", args[1].range)
            return .bool
        }
        guard case .plain(let value) = map.info.value else {
            call.error("find() of an aggregation map is not supported: read it with @m[key]", args[0].range)
            return .bool
        }
        call.declare(variable: variable, type: value, range: args[2].range)
        return .bool
    }
}
