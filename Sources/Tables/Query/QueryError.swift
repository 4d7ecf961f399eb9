/// Why a query could not be parsed or run, pointing into the query's text: `offset` and
/// `length` count characters from the start of the statement, where the caret belongs.
public struct QueryError: Error, Hashable, Sendable, CustomStringConvertible {
    public var offset: Int
    public var length: Int
    public var message: String

    public init(offset: Int, length: Int = 1, message: String) {
        self.offset = offset
        self.length = max(1, length)
        self.message = message
    }

    public var description: String { message }

    /// The message, the query and a caret line under the offending part:
    ///
    ///     unknown column 'size': columns are key, value
    ///       @x | top 5 by size
    ///                     ^^^^
    public func pointing(into text: String) -> String {
        let line = text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? text
        let start = min(offset, line.count)
        let width = max(1, min(length, line.count - start))
        return "\(message)\n  \(line)\n  " + String(repeating: " ", count: start) + String(repeating: "^", count: width)
    }
}
