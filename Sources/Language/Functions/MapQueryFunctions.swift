/// has_key(): asking a map about one key without touching it.
extension FunctionDescriptor {
    public static let hasKey = FunctionDescriptor(
        name: "has_key", signature: "has_key(@m, key)", result: "bool",
        summary: "whether @m holds key (a tuple for several key parts)", category: .map
    ) { call in
        let args = call.arguments
        guard call.arity(2...2) else { return .bool }
        guard case .map(let mapName, let keys) = args[0].kind, keys.isEmpty else {
            call.error("has_key() takes a whole map such as @x, then the key", args[0].range)
            return .bool
        }
        let keyType = call.infer(1)
        guard let info = call.map(named: mapName) else {
            call.requireAssigned(mapName, "@\(mapName) is looked up but never assigned", args[0].range)
            return .bool
        }
        if info.keys.isEmpty {
            call.error("call to has_key() expects a map with explicit keys (non-scalar map)", args[0].range)
            return .bool
        }
        if case .aggregation(let a, _) = info.value, a.addsBucketKey {
            call.error("has_key() of a \(a)() map is not supported: its buckets are separate entries", args[0].range)
        }
        let given: [SType]
        if info.keys.count > 1, case .tuple(let parts) = keyType { given = parts } else { given = [keyType] }
        if given.count != info.keys.count || !zip(info.keys, given).allSatisfy({ $0.isCompatible(with: $1) }) {
            call.error(
                "Argument mismatch for @\(mapName): trying to access with arguments: '\(argumentList(given))' "
                    + "when map expects arguments: '\(argumentList(info.keys))'",
                args[1].range)
        }
        return .bool
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
