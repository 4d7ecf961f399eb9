/// A self-contained interactive SVG flame graph, written from scratch after flamegraph.pl's
/// layout: the root (`all`) at the bottom, each frame above its caller, width proportional
/// to the samples through it, siblings in alphabetical order.
///
/// The file embeds its CSS and script and loads nothing: hovering a frame shows its name,
/// samples and share at the bottom (and as a tooltip); clicking zooms to it; "Reset Zoom"
/// returns; "Search" (or Ctrl-F, or `?s=regex` in the URL) highlights the frames whose name
/// matches a regular expression and shows the share of samples they cover.
///
/// Colours are deterministic: a hash of the frame name picks a shade, warm (red to yellow)
/// for user frames and cool (teal) for kernel frames (`_[k]`); the `-` delimiter frame is
/// grey. Frames narrower than `minWidth` pixels are left out, as flamegraph.pl does, which
/// keeps graphs of huge profiles small.
public enum FlameGraph {
    public struct Options: Hashable, Sendable {
        /// Frames narrower than this many pixels are not drawn.
        public var minWidth: Double
        /// Draw an icicle graph instead: root at the top.
        public var inverted: Bool
        /// What the counts are, shown in the details line ("samples", "us", "bytes", ...).
        public var countName: String
        public var subtitle: String?
        public init(
            minWidth: Double = 0.1, inverted: Bool = false, countName: String = "samples", subtitle: String? = nil
        ) {
            self.minWidth = minWidth
            self.inverted = inverted
            self.countName = countName
            self.subtitle = subtitle
        }
    }

    /// The SVG document for `folded`, `width` pixels wide.
    public static func svg(
        folded: FoldedStacks, title: String = "Flame Graph", width: Int = 1200,
        options: Options = Options()
    ) -> String {
        let tree = FrameTree(folded: folded, minFraction: FlameGraphSVG.minFraction(width: width, options: options))
        let total = tree.total
        return FlameGraphSVG.render(tree: tree, title: title, width: width, options: options) { node in
            let title = node.name + "\n" + FlameGraphSVG.amount(node.samples, of: total, unit: options.countName)
            return (title, FlameGraphSVG.colour(for: node.name, depth: node.depth))
        }
    }

    /// Shortcut: folds `table` with `foldOptions`, then renders.
    public static func svg(
        table: MapTable, title: String? = nil, width: Int = 1200,
        foldOptions: FoldedStacks.Options = FoldedStacks.Options(),
        options: Options = Options()
    ) -> String {
        svg(
            folded: FoldedStacks(table: table, options: foldOptions), title: title ?? "Flame Graph: " + table.name,
            width: width, options: options)
    }
}

/// A differential flame graph of two profiles, after flamegraph.pl's difffolded mode: frames
/// are laid out and sized by the second (`after`) profile and coloured by how the samples
/// ending in each frame changed: red where they grew, blue where they shrank, white where
/// they did not, the saturation proportional to the change (relative to the largest change).
/// Paths only in `before` have no width and do not show (swap the arguments, like
/// flamegraph.pl --negate, to see what disappeared).
public enum DifferentialFlameGraph {
    /// `normalize` scales the `before` counts so both profiles have the same total, which
    /// compares shapes of profiles of different lengths (difffolded.pl -n).
    public static func svg(
        before: FoldedStacks, after: FoldedStacks, title: String = "Differential Flame Graph",
        width: Int = 1200, normalize: Bool = false,
        options: FlameGraph.Options = FlameGraph.Options()
    ) -> String {
        let scale =
            normalize && before.totalSamples > 0
            ? Double(after.totalSamples) / Double(before.totalSamples) : 1
        // Both profiles' paths sorted together, equal paths merged (no hashing of paths).
        var tagged: [(frames: [String], after: UInt64, before: UInt64)] = []
        tagged.reserveCapacity(after.lines.count + before.lines.count)
        for line in after.lines { tagged.append((line.frames, line.count, 0)) }
        for line in before.lines {
            tagged.append((line.frames, 0, normalize ? UInt64((Double(line.count) * scale).rounded()) : line.count))
        }
        let order = tagged.indices.sorted { FoldedStacks.pathPrecedes(tagged[$0].frames, tagged[$1].frames) }
        var paths: [(frames: [String], after: UInt64, before: UInt64)] = []
        paths.reserveCapacity(tagged.count)
        for path in order.lazy.map({ tagged[$0] }) {
            if let last = paths.last, last.frames == path.frames {
                paths[paths.count - 1].after &+= path.after
                paths[paths.count - 1].before &+= path.before
            } else {
                paths.append(path)
            }
        }
        let tree = FrameTree(
            paths: paths, sorted: true, minFraction: FlameGraphSVG.minFraction(width: width, options: options))
        var largest: UInt64 = 0
        for node in tree.nodes where node.samples > 0 {
            let delta =
                node.selfSamples > node.selfBefore
                ? node.selfSamples - node.selfBefore : node.selfBefore - node.selfSamples
            largest = Swift.max(largest, delta)
        }
        let total = tree.total
        let unit = options.countName
        return FlameGraphSVG.render(tree: tree, title: title, width: width, options: options) { node in
            let change = Int64(bitPattern: node.samples &- node.before)
            let sign = change > 0 ? "+" : ""
            var details = FlameGraphSVG.amount(node.samples, of: total, unit: unit)
            details += "; before \(node.before), \(sign)\(change)"
            if node.before > 0 {
                details += " (" + sign + FlameGraphSVG.percent(Double(change) / Double(node.before) * 100) + ")"
            }
            let selfChange = Int64(bitPattern: node.selfSamples &- node.selfBefore)
            details += "; self \(selfChange > 0 ? "+" : "")\(selfChange)"
            return (node.name + "\n" + details, FlameGraphSVG.diffColour(delta: selfChange, largest: largest))
        }
    }
}

/// The SVG writer shared by both graphs.
enum FlameGraphSVG {
    static let frameHeight = 16
    static let fontSize = 12
    static let fontWidth = 0.59
    static let xPad = 10

    /// The narrowest frame drawn, as a fraction of the total.
    static func minFraction(width: Int, options: FlameGraph.Options) -> Double {
        options.minWidth / Double(Swift.max(width, 200) - 2 * xPad)
    }

    static func render(
        tree: FrameTree, title: String, width: Int, options: FlameGraph.Options,
        describe: (FrameTree.Node) -> (title: String, fill: String)
    ) -> String {
        let width = Swift.max(width, 200)
        let inner = Double(width - 2 * xPad)
        let total = tree.total
        let scale = total > 0 ? inner / Double(total) : 0
        let minSamples = total > 0 ? options.minWidth / scale : 0

        var visible: [Int] = []
        visible.reserveCapacity(1024)
        var depth = 0
        for (i, node) in tree.nodes.enumerated() where node.samples > 0 && Double(node.samples) >= minSamples {
            visible.append(i)
            depth = Swift.max(depth, node.depth)
        }

        let top = fontSize * 3 + (options.subtitle == nil ? 0 : fontSize * 2)
        let bottom = fontSize * 2 + 10
        let height = top + (depth + 1) * frameHeight + bottom
        func frameY(_ depth: Int) -> Int {
            options.inverted ? top + depth * frameHeight : height - bottom - (depth + 1) * frameHeight
        }

        var out = ""
        out.reserveCapacity(4096 + visible.count * 220)
        out += "<?xml version=\"1.0\" standalone=\"no\"?>\n"
        out += "<svg version=\"1.1\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" "
        out +=
            "onload=\"init(evt)\" xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\">\n"
        out += "<!-- Flame graph written by bpfsh. Hover for details, click to zoom, Ctrl-F to search. -->\n"
        out += "<style type=\"text/css\"><![CDATA[\n" + FlameGraphScript.css + "]]></style>\n"
        out += "<script type=\"text/ecmascript\"><![CDATA[\n"
        out += "var XPAD = \(xPad), INNER = \(inner), FONTSIZE = \(fontSize), FONTW = \(fontWidth), "
        out += "TOTAL = \(total), COUNTNAME = \"\(jsString(options.countName))\";\n"
        out += FlameGraphScript.javascript
        out += "]]></script>\n"
        out += "<rect x=\"0\" y=\"0\" width=\"\(width)\" height=\"\(height)\" fill=\"url(#background)\"/>\n"
        out += "<defs><linearGradient id=\"background\" y1=\"0\" y2=\"1\" x1=\"0\" x2=\"0\">"
        out += "<stop stop-color=\"#eeeeee\" offset=\"5%\"/><stop stop-color=\"#eeeeb0\" offset=\"95%\"/>"
        out += "</linearGradient></defs>\n"
        out += "<text id=\"title\" x=\"\(width / 2)\" y=\"\(fontSize * 2)\">\(xml(title))</text>\n"
        if let subtitle = options.subtitle {
            out += "<text id=\"subtitle\" x=\"\(width / 2)\" y=\"\(fontSize * 4)\">\(xml(subtitle))</text>\n"
        }
        out += "<text id=\"details\" x=\"\(xPad)\" y=\"\(height - fontSize / 2 - 4)\"> </text>\n"
        out += "<text id=\"unzoom\" class=\"hide\" x=\"\(xPad)\" y=\"\(fontSize * 2)\">Reset Zoom</text>\n"
        out += "<text id=\"search\" x=\"\(width - xPad - 100)\" y=\"\(fontSize * 2)\">Search</text>\n"
        out += "<text id=\"matched\" x=\"\(width - xPad - 100)\" y=\"\(height - fontSize / 2 - 4)\"> </text>\n"
        out += "<g id=\"frames\">\n"
        for i in visible {
            let node = tree.nodes[i]
            let x = Double(xPad) + Double(node.start) * scale
            let w = Double(node.samples) * scale
            let y = frameY(node.depth)
            let (tip, fill) = describe(node)
            out += "<g class=\"f\" data-x=\"\(node.start)\" data-w=\"\(node.samples)\" data-d=\"\(node.depth)\"><title>"
            out += xml(tip)
            out += "</title><rect x=\"" + fixed(x) + "\" y=\"\(y)\" width=\"" + fixed(w)
            out += "\" height=\"\(frameHeight - 1)\" rx=\"2\" ry=\"2\" fill=\"" + fill + "\"/><text x=\""
            out += fixed(x + 3) + "\" y=\"\(y + frameHeight - 4)\">"
            out += xml(label(node.name, width: w))
            out += "</text></g>\n"
        }
        out += "</g>\n</svg>\n"
        return out
    }

    /// The name as drawn: annotation dropped, cut with `..` to fit `width` pixels.
    static func label(_ name: String, width: Double) -> String {
        let shown = displayName(name)
        let fit = Int((width - 6) / (Double(fontSize) * fontWidth))
        if fit < 3 { return "" }
        if shown.count <= fit { return shown }
        return String(shown.prefix(fit - 2)) + ".."
    }

    static func displayName(_ name: String) -> String {
        for suffix in ["_[k]", "_[j]", "_[i]", "_[w]"] where name.hasSuffix(suffix) {
            return String(name.dropLast(suffix.count))
        }
        return name
    }

    static func amount(_ samples: UInt64, of total: UInt64, unit: String) -> String {
        let share = total > 0 ? Double(samples) / Double(total) * 100 : 0
        return "\(samples) \(unit), " + percent(share)
    }

    static func percent(_ value: Double) -> String {
        let hundredths = Int64((value * 100).rounded())
        let sign = hundredths < 0 ? "-" : ""
        let magnitude = hundredths.magnitude
        let fraction = magnitude % 100
        return sign + String(magnitude / 100) + "." + (fraction < 10 ? "0" : "") + String(fraction) + "%"
    }

    /// Two decimals, no exponent, no trailing zeros.
    static func fixed(_ value: Double) -> String {
        let hundredths = Int64((value * 100).rounded())
        let whole = hundredths / 100
        let fraction = hundredths % 100
        if fraction == 0 { return String(whole) }
        if fraction % 10 == 0 { return String(whole) + "." + String(fraction / 10) }
        return String(whole) + "." + (fraction < 10 ? "0" : "") + String(fraction)
    }

    // MARK: Colours

    /// FNV-1a: stable across runs and platforms, unlike `Hasher`.
    static func hash(_ text: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            h ^= UInt64(byte)
            h = h &* 0x100_0000_01b3
        }
        return h
    }

    static func colour(for name: String, depth: Int) -> String {
        if name == "-" { return "rgb(160,160,160)" }
        let kernel = name.hasSuffix("_[k]")
        let h = hash(displayName(name))
        let v1 = Double(h & 0xff) / 255, v2 = Double((h >> 8) & 0xff) / 255, v3 = Double((h >> 16) & 0xff) / 255
        if kernel {
            return rgb(40 + 60 * v1, 150 + 70 * v2, 180 + 60 * v3)
        }
        // flamegraph.pl's "hot" palette.
        return rgb(205 + 50 * v3, 230 * v1, 55 * v2)
    }

    static func diffColour(delta: Int64, largest: UInt64) -> String {
        if delta == 0 || largest == 0 { return "rgb(250,250,250)" }
        let strength = Double(delta.magnitude) / Double(largest)
        let pale = 210 * (1 - strength)
        return delta > 0 ? rgb(255, pale, pale) : rgb(pale, pale, 255)
    }

    static func rgb(_ r: Double, _ g: Double, _ b: Double) -> String {
        func c(_ v: Double) -> String { String(Int(Swift.min(255, Swift.max(0, v)).rounded())) }
        return "rgb(" + c(r) + "," + c(g) + "," + c(b) + ")"
    }

    // MARK: Escaping

    /// Text safe inside an XML element or a double-quoted attribute. Characters XML 1.0
    /// forbids (control characters other than tab and line breaks) become U+FFFD.
    static func xml(_ text: String) -> String {
        var needs = false
        for byte in text.utf8 where byte == 38 || byte == 60 || byte == 62 || byte == 34 || byte == 39 || byte < 32 {
            needs = true
            break
        }
        if !needs { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\n": out += "&#10;"
            case "\t": out += "&#9;"
            default:
                if scalar.value < 32 { out += "\u{FFFD}" } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    static func jsString(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "<", ">", "&", "]":
                out +=
                    "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                    + String(scalar.value, radix: 16)
            default:
                if scalar.value < 32 { out += " " } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}
