/// The frames of a flame graph laid out as flamegraph.pl lays them out: paths sorted
/// alphabetically, so every path sharing a prefix is contiguous and merging a frame into its
/// left neighbour only needs the previous path (no per-node child dictionaries). Children
/// therefore appear in alphabetical order, left to right; x is measured in samples.
struct FrameTree {
    struct Node {
        var name: String
        /// 0 for the root (`all`), 1 for the outermost real frame.
        var depth: Int
        /// Samples to the left of this frame.
        var start: UInt64
        /// Samples through this frame (inclusive), the frame's width.
        var samples: UInt64
        /// Samples that ended in this frame (exclusive).
        var selfSamples: UInt64
        /// Differential graphs: the same two figures in the "before" profile.
        var before: UInt64
        var selfBefore: UInt64
    }

    /// The frames kept, children before their parents.
    private(set) var nodes: [Node]
    private(set) var maxDepth: Int
    /// Samples in all paths (the root's width), and the same in the "before" profile.
    let total: UInt64
    let totalBefore: UInt64

    /// Paths with a count each (and a "before" count, 0 for ordinary graphs). Frames
    /// narrower than `minFraction` of the total, or with no samples, are dropped as they
    /// close, so a huge profile never holds more nodes than it can draw. `sorted`: the
    /// paths are already in lexicographic order.
    init(
        paths: [(frames: [String], after: UInt64, before: UInt64)], sorted: Bool = false,
        minFraction: Double = 0, rootName: String = "all"
    ) {
        let order =
            sorted
            ? Array(paths.indices)
            : paths.indices.sorted { FoldedStacks.pathPrecedes(paths[$0].frames, paths[$1].frames) }
        var total: UInt64 = 0, totalBefore: UInt64 = 0
        for path in paths {
            total &+= path.after
            totalBefore &+= path.before
        }
        let keep = Swift.max(1, UInt64((Double(total) * minFraction).rounded(.up)))
        var kept: [Node] = []
        var maxDepth = 0
        // The previous path's frames, root first; children add into their parent as they close.
        var open = [Node(name: rootName, depth: 0, start: 0, samples: 0, selfSamples: 0, before: 0, selfBefore: 0)]
        func close() {
            var node = open.removeLast()
            node.samples &+= node.selfSamples
            node.before &+= node.selfBefore
            if !open.isEmpty {
                open[open.count - 1].samples &+= node.samples
                open[open.count - 1].before &+= node.before
            }
            if node.samples >= keep {
                kept.append(node)
                maxDepth = Swift.max(maxDepth, node.depth)
            }
        }
        var x: UInt64 = 0
        for i in order {
            let frames = paths[i].frames
            var common = 0
            let limit = Swift.min(open.count - 1, frames.count)
            while common < limit && open[common + 1].name == frames[common] { common += 1 }
            while open.count > common + 1 { close() }
            var d = common
            while d < frames.count {
                open.append(
                    Node(name: frames[d], depth: d + 1, start: x, samples: 0, selfSamples: 0, before: 0, selfBefore: 0))
                d += 1
            }
            open[open.count - 1].selfSamples &+= paths[i].after
            open[open.count - 1].selfBefore &+= paths[i].before
            x &+= paths[i].after
        }
        while !open.isEmpty { close() }
        self.nodes = kept
        self.maxDepth = maxDepth
        self.total = total
        self.totalBefore = totalBefore
    }

    init(folded: FoldedStacks, minFraction: Double = 0) {
        self.init(paths: folded.lines.map { ($0.frames, $0.count, 0) }, minFraction: minFraction)
    }
}
