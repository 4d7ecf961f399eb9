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
        guard case .map(let mapName, let keys) = args[0].kind, keys.isEmpty else {
            call.error("find() takes a whole map such as @x, then the key", args[0].range)
            return .bool
        }
        let keyType = call.infer(1)
        guard let info = call.map(named: mapName) else {
            call.requireAssigned(mapName, "@\(mapName) is looked up but never assigned", args[0].range)
            return .bool
        }
        if info.keys.isEmpty {
            call.error("call to find() expects a map with explicit keys (non-scalar map)", args[0].range)
            return .bool
        }
        let given: [SType]
        if info.keys.count > 1, case .tuple(let parts) = keyType { given = parts } else { given = [keyType] }
        if given.count != info.keys.count || !zip(info.keys, given).allSatisfy({ $0.isCompatible(with: $1) }) {
            call.error("find() key \(keyType) does not match @\(mapName)'s keys \(SType.tuple(info.keys))", args[1].range)
            return .bool
        }
        guard case .plain(let value) = info.value else {
            call.error("find() of an aggregation map is not supported: read it with @m[key]", args[0].range)
            return .bool
        }
        call.declare(variable: variable, type: value, range: args[2].range)
        return .bool
    }
}
