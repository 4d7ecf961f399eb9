/// `select`: chooses and computes columns. An item that is a key column as is (`key`,
/// `key2`) stays part of the key; every other item (`value`, `value / 1000 as ms`, a renamed
/// key part) becomes a value column named by its alias or its text. Selecting `value` alone
/// among the values keeps the cell as it is (a histogram stays a histogram).
public enum TableSelect {
    public struct Item: Hashable, Sendable {
        public var expression: ColumnExpression
        public var name: String
        public var isAliased: Bool
        public init(expression: ColumnExpression, name: String, isAliased: Bool) {
            self.expression = expression
            self.name = name
            self.isAliased = isAliased
        }
    }

    /// `resolved` maps every column name the items use to its column in `table`.
    public static func select(_ table: MapTable, _ items: [Item], resolved: [String: TableColumn]) -> MapTable {
        func keyColumn(_ item: Item) -> TableColumn? {
            guard !item.isAliased, case .column(let name, _) = item.expression, let column = resolved[name] else {
                return nil
            }
            switch column {
            case .key, .keyPart: return column
            case .value, .valuePart: return nil
            }
        }
        let keys = items.compactMap(keyColumn)
        let values = items.filter { keyColumn($0) == nil }
        let keepsCell: Bool = {
            guard values.count == 1, !values[0].isAliased, case .column(let name, _) = values[0].expression else {
                return false
            }
            return resolved[name] == .value
        }()
        var result = table.rekeyed(by: keys)
        result.valueNames = keepsCell ? [] : values.map(\.name)
        result.rows = table.rows.map { row in
            let key = keys.flatMap { TableGroup.keyValues(row, $0) }
            if keepsCell { return MapTable.Row(key: key, cell: row.cell) }
            if values.isEmpty { return MapTable.Row(key: key, cell: .value(.none)) }
            return MapTable.Row(key: key, cell: .value(.tuple(values.map { $0.expression.evaluate(row, resolved) })))
        }
        return result
    }
}
