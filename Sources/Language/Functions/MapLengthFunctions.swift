/// len(): how many entries a map holds.
extension FunctionDescriptor {
    public static let len = FunctionDescriptor(
        name: "len", signature: "len(@m)", result: "int",
        summary: "the number of entries of a map with keys, counted in the kernel", category: .map
    ) { call in
        let args = call.arguments
        guard call.arity(1...1) else { return .s64 }
        guard case .map(let mapName, let keys) = args[0].kind, keys.isEmpty else {
            call.error("len() takes a whole map such as @x", args[0].range)
            return .s64
        }
        guard let info = call.map(named: mapName) else {
            call.requireAssigned(mapName, "@\(mapName) is counted but never assigned", args[0].range)
            return .s64
        }
        if info.keys.isEmpty {
            call.error("call to len() expects a map with explicit keys (non-scalar map)", args[0].range)
        }
        if case .aggregation(let a, _) = info.value, a.addsBucketKey {
            call.error("len() of a \(a)() map is not supported: its buckets are separate entries", args[0].range)
        }
        return .s64
    }
}
