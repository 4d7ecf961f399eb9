/// The last lines probes printed, bounded in count and in bytes, for the `output` command:
/// what a terminal that could not keep up did not show is still here to look at.
public struct RecentLines {
    public let capacity: Int
    public let maximumLineBytes: Int
    private var lines: [String] = []
    /// Index of the oldest line once the buffer is full (a ring).
    private var start = 0
    /// A line printed in pieces (printf without a newline) waits here for its end.
    private var partial = ""
    /// Every complete line ever added, kept or not.
    public private(set) var total = 0

    public init(capacity: Int = 1000, maximumLineBytes: Int = 1024) {
        self.capacity = capacity
        self.maximumLineBytes = maximumLineBytes
    }

    public mutating func add(_ text: String) {
        var rest = Substring(text)
        while let newline = rest.firstIndex(of: "\n") {
            append(partial + rest[..<newline])
            partial = ""
            rest = rest[rest.index(after: newline)...]
        }
        partial += rest
        if partial.utf8.count > maximumLineBytes { partial = String(partial.prefix(maximumLineBytes)) }
    }

    private mutating func append(_ line: String) {
        let kept = line.utf8.count > maximumLineBytes ? String(line.prefix(maximumLineBytes)) + "…" : line
        total += 1
        if lines.count < capacity {
            lines.append(kept)
        } else {
            lines[start] = kept
            start = (start + 1) % capacity
        }
    }

    /// The last `count` complete lines, oldest first.
    public func last(_ count: Int) -> [String] {
        let ordered = Array(lines[start...] + lines[..<start])
        return Array(ordered.suffix(max(0, count)))
    }

    public var count: Int { lines.count }
}
