/// Numbers in a key column turned into names: the `syscalls` query stage names the syscall
/// ids `tracepoint:raw_syscalls:sys_enter` counts by (`@[args.id]`), so a table reads
/// `read`, `write`, `futex` instead of 0, 1, 202. The naming function is the caller's (the
/// syscall table of the machine); a number it does not know stays a number, as text, so the
/// column keeps one type.
public enum TableNaming {
    public static func name(
        _ table: MapTable, column: TableColumn, using names: (Int64) -> String?
    ) -> MapTable {
        var named = table
        named.rows = table.rows.map { row in
            var row = row
            for index in row.key.indices where applies(column, toPart: index, of: row.key.count) {
                row.key[index] = name(row.key[index], using: names)
            }
            return row
        }
        return named
    }

    /// `key` names a one-part key; `keyN` that part.
    private static func applies(_ column: TableColumn, toPart index: Int, of parts: Int) -> Bool {
        switch column {
        case .key: return parts == 1
        case .keyPart(let n): return n == index + 1
        case .value, .valuePart: return false
        }
    }

    private static func name(_ value: Value, using names: (Int64) -> String?) -> Value {
        switch value {
        case .int(let n): return .string(names(n) ?? String(n))
        case .uint(let n): return .string(Int64(exactly: n).flatMap(names) ?? String(n))
        default: return value
        }
    }
}
