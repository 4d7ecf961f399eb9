/// Folded stacks: one line per distinct call path, root first, frames joined by `;`, then a
/// space and an integer count — the format flamegraph.pl, inferno and speedscope read.
///
/// A map keyed by stacks folds as stackcollapse-bpftrace.pl folds bpftrace's
/// `@[kstack, ustack, comm]`: the process name (every non-stack key part, in key order)
/// first, then the user frames root first, then the kernel frames root first. Unlike that
/// script, and like bcc's `profile -f -d -a`, a `-` frame separates the user part from the
/// kernel part and kernel frames carry the `_[k]` annotation, so flame graphs can colour
/// them apart; `+offset` suffixes are stripped by default so samples at different
/// instructions of one function merge into one frame.
///
///     comm;main;read;-;entry_SYSCALL_64_after_hwframe_[k];do_syscall_64_[k];ksys_read_[k] 12
public struct FoldedStacks: Hashable, Sendable {
    /// One distinct path and the samples that ended in it.
    public struct Line: Hashable, Sendable {
        /// Root first.
        public var frames: [String]
        public var count: UInt64
        public init(frames: [String], count: UInt64) {
            self.frames = frames
            self.count = count
        }
        /// `a;b;c 5`
        public var text: String { frames.joined(separator: ";") + " " + String(count) }
    }

    /// Whether a stack key part holds kernel or user frames (`kstack` or `ustack`).
    public enum StackKind: Hashable, Sendable {
        case kernel
        case user
    }

    public struct Options: Hashable, Sendable {
        /// Keep `+offset` suffixes (`vfs_read+12`); by default they are stripped (`vfs_read`).
        public var keepOffsets: Bool
        /// Put the non-stack key parts (`comm`, `pid`, ...) first, in key order, as
        /// stackcollapse-bpftrace.pl puts the process name first.
        public var includeKeyParts: Bool
        /// Append `_[k]` to kernel frames.
        public var annotateKernel: Bool
        /// Put a `-` frame between the user part and the kernel part when a line has both.
        public var delimitKernel: Bool
        /// The kind of each stack key part, in key order (the session knows them from the
        /// types: `kstack` or `ustack`). When nil or too short, a stack's kind is inferred: an
        /// unresolved address tells (kernel addresses are ≥ 0xffff800000000000), then a known
        /// kernel entry point at its root (`entry_SYSCALL_64`, `ret_from_fork`,
        /// `secondary_startup_64`, `asm_*`, ...); failing both, in a key with two stacks the
        /// first is the kernel one (`@[kstack, ustack]`) and a lone stack is a user stack.
        public var stackKinds: [StackKind]?
        public init(
            keepOffsets: Bool = false, includeKeyParts: Bool = true, annotateKernel: Bool = true,
            delimitKernel: Bool = true, stackKinds: [StackKind]? = nil
        ) {
            self.keepOffsets = keepOffsets
            self.includeKeyParts = includeKeyParts
            self.annotateKernel = annotateKernel
            self.delimitKernel = delimitKernel
            self.stackKinds = stackKinds
        }
    }

    /// Distinct paths, by count descending, then by path (frame by frame) ascending.
    public private(set) var lines: [Line]
    /// Sum of every line's count.
    public private(set) var totalSamples: UInt64

    /// Merges lines with the same path and sorts them; lines with no frames or a zero count
    /// are dropped.
    public init(lines: [Line]) {
        // Sorting by path brings duplicates together; that is several times faster than
        // hashing every path (21 strings each) into a dictionary.
        let order = lines.indices.filter { lines[$0].count > 0 && !lines[$0].frames.isEmpty }
            .sorted { FoldedStacks.pathPrecedes(lines[$0].frames, lines[$1].frames) }
        var merged: [Line] = []
        merged.reserveCapacity(order.count)
        var total: UInt64 = 0
        for i in order {
            let line = lines[i]
            total &+= line.count
            if let last = merged.last, last.frames == line.frames {
                merged[merged.count - 1].count &+= line.count
            } else {
                merged.append(line)
            }
        }
        // Equal counts keep their path order (the position breaks ties, no string compares).
        let byCount = merged.indices.sorted {
            merged[$0].count != merged[$1].count ? merged[$0].count > merged[$1].count : $0 < $1
        }
        self.lines = byCount.map { merged[$0] }
        self.totalSamples = total
    }

    /// Folds a map snapshot. Rows count by their cell: `count()` and `sum()` (negative sums
    /// as 0), plain integer values, `avg`/`stats` by their number of values, histograms by
    /// their total; `min`/`max` rows count nothing. A row with no frames at all becomes
    /// `[unknown]`, so the lines always add up to the table's samples.
    public init(table: MapTable, options: Options = Options()) {
        var lines: [Line] = []
        lines.reserveCapacity(table.rows.count)
        let cache = FrameCache(options: options)
        for row in table.rows {
            let count = FoldedStacks.samples(of: row.cell)
            if count == 0 { continue }
            lines.append(Line(frames: FoldedStacks.frames(of: row.key, options: options, cache: cache), count: count))
        }
        self.init(lines: lines)
    }

    /// The folded text, one `frames count` line each, each ending in a newline.
    public var text: String {
        var out = ""
        out.reserveCapacity(lines.count * 64)
        for line in lines {
            var first = true
            for frame in line.frames {
                if !first { out += ";" }
                out += frame
                first = false
            }
            out += " "
            out += String(line.count)
            out += "\n"
        }
        return out
    }

    /// Reads folded text back. Blank lines and `#` comments are skipped; so is a line whose
    /// last space-separated field is not an unsigned integer (its 1-based number is in
    /// `rejected`). Frames may contain spaces: the count is after the last one. Duplicate
    /// paths merge.
    public static func parse(_ text: String) -> FoldedStacks {
        parseReporting(text).stacks
    }

    /// `parse`, also returning the numbers (1-based) of the lines that were not understood.
    public static func parseReporting(_ text: String) -> (stacks: FoldedStacks, rejected: [Int]) {
        var text = text
        var lines: [Line] = []
        var rejected: [Int] = []
        text.withUTF8 { bytes in
            let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), newline = UInt8(ascii: "\n")
            var number = 0
            var start = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count && bytes[end] != newline { end += 1 }
                let next = end + 1
                number += 1
                if end > start && bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                defer { start = next }
                var first = start
                while first < end && (bytes[first] == space || bytes[first] == tab) { first += 1 }
                if first == end || bytes[first] == UInt8(ascii: "#") { continue }
                // The count: digits after the last blank.
                var blank = end
                while blank > start && bytes[blank - 1] != space && bytes[blank - 1] != tab { blank -= 1 }
                var count: UInt64 = 0
                var valid = blank > start && blank < end
                if valid {
                    for i in blank..<end {
                        let digit = bytes[i] &- 48
                        let (times, o1) = count.multipliedReportingOverflow(by: 10)
                        let (sum, o2) = times.addingReportingOverflow(UInt64(digit))
                        if digit > 9 || o1 || o2 {
                            valid = false
                            break
                        }
                        count = sum
                    }
                }
                var pathEnd = blank - (valid ? 1 : 0)
                while valid && pathEnd > start && (bytes[pathEnd - 1] == space || bytes[pathEnd - 1] == tab) {
                    pathEnd -= 1
                }
                if !valid || pathEnd == start {
                    rejected.append(number)
                    continue
                }
                var frames: [String] = []
                var frameStart = start
                for i in start...pathEnd where i == pathEnd || bytes[i] == UInt8(ascii: ";") {
                    frames.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[frameStart..<i]), as: UTF8.self))
                    frameStart = i + 1
                }
                lines.append(Line(frames: frames, count: count))
            }
        }
        return (FoldedStacks(lines: lines), rejected)
    }

    /// This set plus `other`, paths merged.
    public func merged(with other: FoldedStacks) -> FoldedStacks {
        FoldedStacks(lines: lines + other.lines)
    }

    // MARK: - Folding

    /// Lexicographic order of paths, frame by frame.
    static func pathPrecedes(_ a: [String], _ b: [String]) -> Bool {
        let n = a.count < b.count ? a.count : b.count
        var k = 0
        while k < n {
            if a[k] != b[k] { return a[k] < b[k] }
            k += 1
        }
        return a.count < b.count
    }

    static func samples(of cell: Cell) -> UInt64 {
        switch cell {
        case .count(let c): return c
        case .sum(let s): return s > 0 ? UInt64(s) : 0
        case .value(.int(let v)): return v > 0 ? UInt64(v) : 0
        case .value(.uint(let v)): return v
        case .avg(_, let c), .stats(_, let c): return c
        case .histogram(let h): return h.buckets.values.reduce(0, &+)
        case .min, .max, .timeSeries, .value: return 0
        }
    }

    static func frames(of key: [Value], options: Options, cache: FrameCache) -> [String] {
        var prefix: [String] = []
        var user: [String] = []
        var kernel: [String] = []
        let stackCount = key.reduce(0) { n, part in
            if case .stack = part { return n + 1 }
            return n
        }
        var stackIndex = 0
        for part in key {
            switch part {
            case .stack(let innermostFirst):
                let kind: StackKind
                if let kinds = options.stackKinds, stackIndex < kinds.count {
                    kind = kinds[stackIndex]
                } else {
                    kind = inferKind(innermostFirst, index: stackIndex, stacks: stackCount)
                }
                stackIndex += 1
                if kind == .kernel {
                    kernel.reserveCapacity(kernel.count + innermostFirst.count)
                    for frame in innermostFirst.reversed() { kernel.append(cache.kernel(frame)) }
                } else {
                    user.reserveCapacity(user.count + innermostFirst.count)
                    for frame in innermostFirst.reversed() { user.append(cache.user(frame)) }
                }
            case .none:
                continue
            default:
                guard options.includeKeyParts else { continue }
                prefix.append(sanitize(ValueText.keyPart(part)))
            }
        }
        var frames = prefix
        frames.reserveCapacity(prefix.count + user.count + kernel.count + 1)
        frames += user
        if options.delimitKernel && !user.isEmpty && !kernel.isEmpty { frames.append("-") }
        frames += kernel
        if frames.isEmpty { frames.append("[unknown]") }
        return frames
    }

    /// Roots of kernel stacks: syscall, interrupt and exception entries, kernel threads, idle.
    private static let kernelRoots: [String] = [
        "entry_SYSCALL", "entry_INT80", "do_syscall_64", "ret_from_fork", "secondary_startup_64",
        "common_startup_64", "start_kernel", "x86_64_start", "asm_", "el0_", "el1_", "ret_from_exception",
        "handle_exception", "cpu_startup_entry", "rest_init", "__x64_sys_", "__arm64_sys_", "do_idle",
        "kthread", "worker_thread",
    ]

    static func inferKind(_ innermostFirst: [String], index: Int, stacks: Int) -> StackKind {
        for frame in innermostFirst {
            if let address = hexAddress(frame) {
                return address >= 0xffff_8000_0000_0000 ? .kernel : .user
            }
        }
        if var root = innermostFirst.last {
            let first = root.withUTF8 { $0.first ?? 0 }
            if kernelRootInitials.contains(first) {
                for prefix in kernelRoots where root.hasPrefix(prefix) { return .kernel }
            }
        }
        if stacks >= 2 { return index == 0 ? .kernel : .user }
        return .user
    }

    private static let kernelRootInitials = Set(kernelRoots.map { $0.utf8.first! })

    /// The value of a frame that is a bare hexadecimal address (`0x7f12ab00`), else nil.
    static func hexAddress(_ frame: String) -> UInt64? {
        var frame = frame
        let looksHex = frame.withUTF8 { $0.count > 2 && $0.count <= 18 && $0[0] == 48 && $0[1] == UInt8(ascii: "x") }
        guard looksHex else { return nil }
        return UInt64(frame.dropFirst(2), radix: 16)
    }

    /// The frame with its `+offset` removed (`vfs_read+12` → `vfs_read`, also before a
    /// ` (module)` suffix), `;` turned into `:` and line breaks into spaces, so that the frame
    /// cannot break the folded format.
    static func clean(_ frame: String, keepOffset: Bool) -> String {
        var frame = frame
        if let cleaned = frame.withUTF8({ cleanUTF8($0, keepOffset: keepOffset) }) { return cleaned }
        return frame
    }

    /// nil when the frame needs no change.
    private static func cleanUTF8(_ bytes: UnsafeBufferPointer<UInt8>, keepOffset: Bool) -> String? {
        var bad = false
        for b in bytes
        where b == UInt8(ascii: ";") || b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r") || b == UInt8(ascii: "\t") {
            bad = true
            break
        }
        let offset = keepOffset ? nil : offsetRange(bytes)
        if !bad && offset == nil { return nil }
        let cut = offset ?? bytes.count..<bytes.count
        let length = bytes.count - cut.count
        if length == 0 { return "[unknown]" }
        return String(unsafeUninitializedCapacity: length) { out in
            var n = 0
            for i in 0..<bytes.count where !cut.contains(i) {
                var b = bytes[i]
                if bad {
                    if b == UInt8(ascii: ";") {
                        b = UInt8(ascii: ":")
                    } else if b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r") || b == UInt8(ascii: "\t") {
                        b = UInt8(ascii: " ")
                    }
                }
                out[n] = b
                n += 1
            }
            return n
        }
    }

    /// Where `+123` or `+0x1f` sits: at the end, or just before ` (`.
    private static func offsetRange(_ bytes: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        var end = bytes.count
        if end > 0, bytes[end - 1] == UInt8(ascii: ")") {
            var open = end - 1
            while open > 0 && bytes[open] != UInt8(ascii: "(") { open -= 1 }
            if open > 0, bytes[open] == UInt8(ascii: "("), bytes[open - 1] == UInt8(ascii: " ") { end = open - 1 }
        }
        var i = end
        var decimal = true
        while i > 0 {
            let b = bytes[i - 1]
            if b >= 48 && b <= 57 {
                i -= 1
                continue
            }
            if (b >= 97 && b <= 102) || (b >= 65 && b <= 70) || b == UInt8(ascii: "x") {
                decimal = false
                i -= 1
                continue
            }
            break
        }
        guard i < end, i > 1, bytes[i - 1] == UInt8(ascii: "+") else { return nil }
        if decimal { return (i - 1)..<end }
        // Hexadecimal: exactly `0x` then hex digits.
        guard end - i > 2, bytes[i] == 48, bytes[i + 1] == UInt8(ascii: "x") else { return nil }
        for k in (i + 2)..<end where bytes[k] == UInt8(ascii: "x") { return nil }
        return (i - 1)..<end
    }

    static func sanitize(_ text: String) -> String {
        clean(text, keepOffset: true)
    }

    /// Cleans frames. No cache: a dictionary of strings costs more per lookup (hashing, then
    /// comparing the keys of every probed bucket) than cleaning, which allocates nothing
    /// unless the frame changes.
    struct FrameCache {
        let keepOffsets: Bool
        let annotateKernel: Bool
        init(options: Options) {
            keepOffsets = options.keepOffsets
            annotateKernel = options.annotateKernel
        }
        func kernel(_ frame: String) -> String {
            let cleaned = FoldedStacks.clean(frame, keepOffset: keepOffsets)
            return annotateKernel ? cleaned + "_[k]" : cleaned
        }
        func user(_ frame: String) -> String {
            FoldedStacks.clean(frame, keepOffset: keepOffsets)
        }
    }
}
