/// has_key(): asking a map about one key without touching it.
extension FunctionDescriptor {
    public static let hasKey = FunctionDescriptor(
        name: "has_key", signature: "has_key(@m, key)", result: "bool",
        summary: "whether @m holds key (a tuple for several key parts)", category: .map
    ) { call in
        guard call.arity(2...2), let map = call.keyedMap(for: "has_key") else { return .bool }
        if case .aggregation(let a, _) = map.info.value, a.addsBucketKey {
            call.error(
                "has_key() of a \(a)() map is not supported: its buckets are separate entries", call.arguments[0].range)
        }
        if !map.keyMatches {
            call.error(
                "Argument mismatch for @\(map.name): trying to access with arguments: '\(argumentList(map.given))' "
                    + "when map expects arguments: '\(argumentList(map.info.keys))'",
                call.arguments[1].range)
        }
        return .bool
    }
}

extension CallTyping {
    /// What has_key() and find() check alike: argument 0 is a whole map, assigned, with keys;
    /// argument 1 its key, split into parts for a map of several. Nil after reporting an error.
    func keyedMap(for function: String) -> (name: String, info: MapInfo, keyType: SType, given: [SType], keyMatches: Bool)? {
        let args = arguments
        guard case .map(let mapName, let keys) = args[0].kind, keys.isEmpty else {
            error("\(function)() takes a whole map such as @x, then the key", args[0].range)
            return nil
        }
        let keyType = infer(1)
        guard let info = map(named: mapName) else {
            requireAssigned(mapName, "@\(mapName) is looked up but never assigned", args[0].range)
            return nil
        }
        if info.keys.isEmpty {
            error("call to \(function)() expects a map with explicit keys (non-scalar map)", args[0].range)
            return nil
        }
        let given: [SType]
        if info.keys.count > 1, case .tuple(let parts) = keyType { given = parts } else { given = [keyType] }
        let matches = given.count == info.keys.count && zip(info.keys, given).allSatisfy { $0.isCompatible(with: $1) }
        return (mapName, info, keyType, given, matches)
    }
}

extension Expr {
    /// The key parts a map call names with one argument: a tuple literal stands for several.
    public func keyParts(count: Int) -> [Expr] {
        if count > 1, case .tuple(let parts) = kind, parts.count == count { return parts }
        return [self]
    }
}

/// Key types as bpftrace lists them in has_key's mismatch message: `(int8,string[3])`.
private func argumentList(_ types: [SType]) -> String {
    "(" + types.map(\.description).joined(separator: ",") + ")"
}
