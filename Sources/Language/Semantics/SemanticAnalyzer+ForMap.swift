extension SemanticAnalyzer {
    /// The type of `$kv` in `for ($kv : @m)`: a tuple of the key (itself a tuple when the map
    /// has several key parts) and the value, as bpftrace gives it. Nil (with a diagnostic)
    /// when the expression is not a whole map that can be walked.
    mutating func forMapElement(_ map: Expr) -> SType? {
        guard case .map(let name, let keys) = map.kind, keys.isEmpty else {
            error("a for loop walks a whole map: for ($kv : @name)", map.range)
            return nil
        }
        guard let info = maps[name] else {
            requireAssigned(name, "@\(name) is walked but never assigned", map.range)
            return nil
        }
        let value: SType
        switch info.value {
        case .plain(let type): value = type
        case .aggregation(let aggregation, _):
            switch aggregation {
            case .count, .sum: value = .s64
            default:
                error(
                    "a for loop cannot walk @\(name): it holds \(aggregation)() data, which can only be printed",
                    map.range)
                return nil
            }
        }
        if info.keys.isEmpty {
            error("a for loop walks a map with keys; @\(name) holds a single value", map.range)
            return nil
        }
        let key = info.keys.count == 1 ? info.keys[0] : SType.tuple(info.keys)
        exprTypes[map.id] = .tuple([key, value])
        return .tuple([key, value])
    }
}
