/// A program's text and the name it is reported under (a file path, `-e`, `stdin`, a probe name).
public struct SourceFile: Sendable {
    public let name: String
    public let text: String
    /// UTF-8 bytes; all positions in the language layer are byte offsets into this.
    public let bytes: [UInt8]
    /// The line of the enclosing file this text starts on (a probe inside a session
    /// script): diagnostics count lines from here so they point into that file.
    public let firstLine: Int
    private let lineStarts: [Int]

    public init(name: String, text: String, firstLine: Int = 1) {
        self.name = name
        self.text = text
        self.firstLine = firstLine
        self.bytes = Array(text.utf8)
        var starts = [0]
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            starts.append(index + 1)
        }
        self.lineStarts = starts
    }

    /// 1-based line and column of a byte offset.
    public func location(of offset: Int) -> (line: Int, column: Int) {
        let clamped = max(0, min(offset, bytes.count))
        var low = 0, high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= clamped { low = mid } else { high = mid - 1 }
        }
        return (low + 1, clamped - lineStarts[low] + 1)
    }

    /// The text of a 1-based line without its newline.
    public func line(_ number: Int) -> String {
        guard number >= 1, number <= lineStarts.count else { return "" }
        let start = lineStarts[number - 1]
        var end = number < lineStarts.count ? lineStarts[number] - 1 : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
    }
}

/// A half-open byte range in a source file.
public struct SourceRange: Hashable, Sendable {
    public var start: Int
    public var end: Int
    /// The file the range lies in when it is not the program's own file (text brought in by
    /// `#include "x.bt"` or `import`); diagnostics render against it.
    public var file: IncludedFile?
    public init(_ start: Int, _ end: Int, file: IncludedFile? = nil) {
        self.start = start
        self.end = max(start, end)
        self.file = file
    }
    public static let unknown = SourceRange(0, 0)
    public func merged(with other: SourceRange) -> SourceRange {
        // A range cannot span two files; the construct is reported where it starts.
        guard file === other.file else { return self }
        return SourceRange(min(start, other.start), max(end, other.end), file: file)
    }
}

/// A file another file brought in, shared by reference so ranges stay cheap to copy.
public final class IncludedFile: Hashable, Sendable {
    public let source: SourceFile
    public init(_ source: SourceFile) { self.source = source }
    public static func == (lhs: IncludedFile, rhs: IncludedFile) -> Bool { lhs === rhs }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
}
