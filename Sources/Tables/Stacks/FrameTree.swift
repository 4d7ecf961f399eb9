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

    /// In creation order: every parent precedes its children; index 0 is the root.
    private(set) var nodes: [Node]
    private(set) var maxDepth: Int

    var total: UInt64 { nodes[0].samples }
    var totalBefore: UInt64 { nodes[0].before }

    /// Paths with a count each (and a "before" count, 0 for ordinary graphs).
    init(paths: [(frames: [String], after: UInt64, before: UInt64)], rootName: String = "all") {
        let order = paths.indices.sorted { paths[$0].frames.lexicographicallyPrecedes(paths[$1].frames) }
        var nodes = [Node(name: rootName, depth: 0, start: 0, samples: 0, selfSamples: 0, before: 0, selfBefore: 0)]
        nodes.reserveCapacity(paths.count * 4)
        var open: [Int] = [0]      // node index per depth along the previous path
        var openNames: [String] = []
        var x: UInt64 = 0
        var maxDepth = 0
        for i in order {
            let path = paths[i]
            var common = 0
            let limit = Swift.min(openNames.count, path.frames.count)
            while common < limit && openNames[common] == path.frames[common] { common += 1 }
            open.removeSubrange((common + 1)...)
            openNames.removeSubrange(common...)
            var d = common
            while d < path.frames.count {
                let name = path.frames[d]
                open.append(nodes.count)
                openNames.append(name)
                nodes.append(Node(name: name, depth: d + 1, start: x, samples: 0, selfSamples: 0, before: 0, selfBefore: 0))
                d += 1
            }
            for n in open {
                nodes[n].samples &+= path.after
                nodes[n].before &+= path.before
            }
            let leaf = open[open.count - 1]
            nodes[leaf].selfSamples &+= path.after
            nodes[leaf].selfBefore &+= path.before
            x &+= path.after
            maxDepth = Swift.max(maxDepth, path.frames.count)
        }
        self.nodes = nodes
        self.maxDepth = maxDepth
    }

    init(folded: FoldedStacks) {
        self.init(paths: folded.lines.map { ($0.frames, $0.count, 0) })
    }
}
