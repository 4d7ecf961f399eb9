/// The program text after preprocessing, and for each of its bytes where it came from, so the
/// parser's ranges can be turned back into ranges of the files the user wrote.
public struct ExpandedSource: Sendable {
    /// Where one output byte came from: a range in file `file` (0 is the program, the others
    /// included files). A byte a macro produced maps to the whole invocation.
    struct Origin: Sendable {
        var file: Int32
        var start: Int32
        var end: Int32
    }

    public let source: SourceFile
    let origins: [Origin]
    /// Index 0 is nil: the program's own file.
    let files: [IncludedFile?]
    /// Warnings (`#warning`) to show with the program's other warnings.
    public let warnings: [Diagnostic]

    /// The range the user wrote that produced `range` of the expanded text.
    public func original(_ range: SourceRange) -> SourceRange {
        guard !origins.isEmpty else { return SourceRange(0, 0) }
        let first = origins[min(max(range.start, 0), origins.count - 1)]
        let file = files[Int(first.file)]
        if range.start >= origins.count {
            // The end of the input: just past the last byte.
            return SourceRange(Int(first.end), Int(first.end), file: file)
        }
        guard range.end > range.start else { return SourceRange(Int(first.start), Int(first.start), file: file) }
        let last = origins[min(range.end - 1, origins.count - 1)]
        let end = last.file == first.file && last.end >= first.start ? Int(last.end) : Int(first.end)
        return SourceRange(Int(first.start), end, file: file)
    }

    func original(_ diagnostic: Diagnostic) -> Diagnostic {
        var copy = diagnostic
        copy.range = original(diagnostic.range)
        return copy
    }
}

/// Accumulates output text and origins together.
struct ExpandedSourceBuilder {
    private(set) var bytes: [UInt8] = []
    private(set) var origins: [ExpandedSource.Origin] = []

    mutating func append(_ token: PPToken) {
        let text = Array(token.text.utf8)
        if let last = bytes.last, let first = text.first, ExpandedSourceBuilder.wouldJoin(last, first),
            token.expanded
                || origins.last.map({ $0.end != Int32(token.start) || $0.file != Int32(token.file) })
                    ?? false
        {
            // Text placed next to a macro's replacement must not run into it (`x-N` with N
            // defined as -1 is `x - -1`, not `x--1`).
            bytes.append(UInt8(ascii: " "))
            origins.append(
                ExpandedSource.Origin(file: Int32(token.file), start: Int32(token.start), end: Int32(token.start)))
        }
        bytes += text
        let exact = !token.expanded && text.count == token.end - token.start
        for k in 0..<text.count {
            let start = exact ? token.start + k : token.start
            let end = exact ? start + 1 : token.end
            origins.append(ExpandedSource.Origin(file: Int32(token.file), start: Int32(start), end: Int32(end)))
        }
    }

    private static func wouldJoin(_ a: UInt8, _ b: UInt8) -> Bool {
        let joining = Array("+-*/%&|^!<>=.:#".utf8)
        return (PPTokenizer.isIdentifierByte(a) && PPTokenizer.isIdentifierByte(b))
            || (joining.contains(a) && joining.contains(b))
    }
}
