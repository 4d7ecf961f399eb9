/// A stack table as profilers see it: distinct frames, and samples that are paths through
/// them (root first) with a count. Built from the same fold as `FoldedStacks`, so the
/// process name comes first, kernel frames keep their `_[k]` annotation and also know they
/// are kernel frames; the `-` separator frame of the folded text is dropped since each
/// frame's kind says which side it is on.
public struct ProfileStacks: Hashable, Sendable {
    public enum FrameKind: Hashable, Sendable {
        /// A non-stack key part (`comm`, `pid`), as the fold puts it at the root.
        case process
        case user
        case kernel
    }

    public struct Frame: Hashable, Sendable {
        public var name: String
        public var kind: FrameKind
    }

    public struct Sample: Hashable, Sendable {
        /// Indexes into `frames`, root first.
        public var stack: [Int]
        public var count: UInt64
    }

    public private(set) var frames: [Frame] = []
    public private(set) var samples: [Sample] = []
    public private(set) var totalSamples: UInt64 = 0

    /// `options` as for the folded output; kernel annotation and the key parts are always on
    /// (profiles show them apart), the `-` delimiter is not needed.
    public init(table: MapTable, options: FoldedStacks.Options = FoldedStacks.Options()) {
        var options = options
        options.annotateKernel = true
        options.delimitKernel = true
        let folded = FoldedStacks(table: table, options: options)
        // Every row of a map has the same key shape: its non-stack parts lead each path.
        let prefixCount =
            options.includeKeyParts
            ? (table.rows.first?.key.filter { part in
                switch part {
                case .stack, .none: return false
                default: return true
                }
            }.count ?? 0) : 0
        var index: [Frame: Int] = [:]
        for line in folded.lines {
            var stack: [Int] = []
            for (position, name) in line.frames.enumerated() where name != "-" || position < prefixCount {
                let kind: FrameKind =
                    position < prefixCount ? .process : (name.hasSuffix("_[k]") ? .kernel : .user)
                let frame = Frame(name: name, kind: kind)
                if let existing = index[frame] {
                    stack.append(existing)
                } else {
                    index[frame] = frames.count
                    stack.append(frames.count)
                    frames.append(frame)
                }
            }
            samples.append(Sample(stack: stack, count: line.count))
        }
        totalSamples = folded.totalSamples
    }
}

/// The profile formats `save` writes, chosen by the whole suffix of the file name (not by
/// its last extension: `x.pb.gz` is pprof, `x.speedscope.json` is speedscope, `x.json` a table).
public enum ProfileFormat: String, Hashable, Sendable, CaseIterable {
    case pprof = ".pb.gz"
    case speedscope = ".speedscope.json"

    public init?(path: String) {
        let name = (path.split(separator: "/").last.map(String.init) ?? path).lowercased()
        guard let format = Self.allCases.first(where: { name.hasSuffix($0.rawValue) && name.count > $0.rawValue.count })
        else { return nil }
        self = format
    }

    /// The file's bytes for `table` (named `title` inside the profile).
    public func encode(
        _ table: MapTable, title: String, options: FoldedStacks.Options = FoldedStacks.Options()
    )
        -> [UInt8]
    {
        let stacks = ProfileStacks(table: table, options: options)
        switch self {
        case .pprof: return Gzip.wrapStored(PprofProfile.encode(stacks, capture: table.capture))
        case .speedscope: return Array(SpeedscopeProfile.encode(stacks, name: title).utf8)
        }
    }
}
