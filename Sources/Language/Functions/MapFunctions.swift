/// delete(), clear(), zero(): removing or resetting map entries.
extension FunctionDescriptor {
    public static let delete = FunctionDescriptor(
        name: "delete", signature: "delete(@m[key]) or delete(@m, key)", result: "bool",
        summary: "remove one entry of a map (not of a hist or lhist map); whether there was one", category: .map
    ) { call in
        let args = call.arguments
        guard call.arity(1...2) else { return .bool }
        guard case .map(let mapName, let keys) = args[0].kind else {
            call.error("delete() takes a map element such as @x[key]", args[0].range)
            return .bool
        }
        var keyTypes = SemanticAnalyzer.keyParts(keys.map { call.infer($0) })
        if args.count == 2 {
            if !keys.isEmpty { call.error("delete(@m, key) takes the map without a key", args[0].range) }
            keyTypes = [call.infer(1)]
        }
        guard let info = call.map(named: mapName) else {
            call.requireAssigned(mapName, "@\(mapName) is deleted from but never assigned", args[0].range)
            return .bool
        }
        if case .aggregation(let a, _) = info.value, a.addsBucketKey {
            call.error(
                "delete() of one key of a \(a)() map is not supported: its buckets are separate entries; "
                    + "use clear(@\(mapName))",
                args[0].range)
        }
        if keyTypes.count == 1, info.keys.count != 1, case .tuple(let parts) = keyTypes[0] { keyTypes = parts }
        if info.keyParts(forUseWith: keyTypes.count) == nil {
            call.error("@\(mapName) has \(info.keys.count) key part(s), \(keyTypes.count) given", args[0].range)
        }
        return .bool
    }

    public static let clear = wholeMap("clear", "delete every entry of a map") { .clearMap(name: $0) }
    public static let zero = wholeMap("zero", "set every value of a map to zero, keeping its keys") {
        .zeroMap(name: $0)
    }

    /// A call on a whole map, done by user space.
    private static func wholeMap(
        _ name: String, _ summary: String, action: @escaping @Sendable (String) -> RuntimeAction
    ) -> FunctionDescriptor {
        FunctionDescriptor(name: name, signature: "\(name)(@m)", result: "none", summary: summary, category: .map) {
            call in
            let args = call.arguments
            guard call.arity(1...1), case .map(let mapName, let keys) = args[0].kind, keys.isEmpty else {
                call.error("\(name)() takes a whole map such as @x", call.range)
                return .void
            }
            if call.map(named: mapName) == nil {
                call.requireAssigned(mapName, "@\(mapName) is never assigned", args[0].range)
            }
            call.record(action("@" + mapName))
            return .void
        }
    }
}
