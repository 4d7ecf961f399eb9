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
        public init(keepOffsets: Bool = false, includeKeyParts: Bool = true, annotateKernel: Bool = true,
                    delimitKernel: Bool = true, stackKinds: [StackKind]? = nil) {
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
        var index: [[String]: Int] = [:]
        index.reserveCapacity(lines.count)
        var merged: [Line] = []
        merged.reserveCapacity(lines.count)
        var total: UInt64 = 0
        for line in lines where line.count > 0 && !line.frames.isEmpty {
            total &+= line.count
            if let at = index[line.frames] {
                merged[at].count &+= line.count
            } else {
                index[line.frames] = merged.count
                merged.append(line)
            }
        }
        merged.sort(by: FoldedStacks.precedes)
        self.lines = merged
        self.totalSamples = total
    }

    /// Folds a map snapshot. Rows count by their cell: `count()` and `sum()` (negative sums
    /// as 0), plain integer values, `avg`/`stats` by their number of values, histograms by
    /// their total; `min`/`max` rows count nothing. A row with no frames at all becomes
    /// `[unknown]`, so the lines always add up to the table's samples.
    public init(table: MapTable, options: Options = Options()) {
        var lines: [Line] = []
        lines.reserveCapacity(table.rows.count)
        var cache = FrameCache(options: options)
        for row in table.rows {
            let count = FoldedStacks.samples(of: row.cell)
            if count == 0 { continue }
            lines.append(Line(frames: FoldedStacks.frames(of: row.key, options: options, cache: &cache), count: count))
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
        var lines: [Line] = []
        var rejected: [Int] = []
        var number = 0
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            number += 1
            var line = Substring(raw)
            if line.last == "\r" { line = line.dropLast() }
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) || line.first == "#" { continue }
            guard let space = line.lastIndex(where: { $0 == " " || $0 == "\t" }),
                  let count = UInt64(line[line.index(after: space)...]) else {
                rejected.append(number)
                continue
            }
            var path = line[..<space]
            while let last = path.last, last == " " || last == "\t" { path = path.dropLast() }
            let frames = path.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
            if frames.isEmpty || (frames.count == 1 && frames[0].isEmpty) {
                rejected.append(number)
                continue
            }
            lines.append(Line(frames: frames, count: count))
        }
        return (FoldedStacks(lines: lines), rejected)
    }

    /// This set plus `other`, paths merged.
    public func merged(with other: FoldedStacks) -> FoldedStacks {
        FoldedStacks(lines: lines + other.lines)
    }

    // MARK: - Folding

    static func precedes(_ a: Line, _ b: Line) -> Bool {
        if a.count != b.count { return a.count > b.count }
        return a.frames.lexicographicallyPrecedes(b.frames)
    }

    static func samples(of cell: Cell) -> UInt64 {
        switch cell {
        case .count(let c): return c
        case .sum(let s): return s > 0 ? UInt64(s) : 0
        case .value(.int(let v)): return v > 0 ? UInt64(v) : 0
        case .value(.uint(let v)): return v
        case .avg(_, let c), .stats(_, let c): return c
        case .histogram(let h): return h.buckets.values.reduce(0, &+)
        case .min, .max, .value: return 0
        }
    }

    static func frames(of key: [Value], options: Options, cache: inout FrameCache) -> [String] {
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
        if let root = innermostFirst.last {
            for prefix in kernelRoots where root.hasPrefix(prefix) { return .kernel }
        }
        if stacks >= 2 { return index == 0 ? .kernel : .user }
        return .user
    }

    /// The value of a frame that is a bare hexadecimal address (`0x7f12ab00`), else nil.
    static func hexAddress(_ frame: String) -> UInt64? {
        let utf8 = frame.utf8
        guard utf8.count > 2, utf8.count <= 18, frame.hasPrefix("0x") else { return nil }
        return UInt64(frame.dropFirst(2), radix: 16)
    }

    /// The frame with its `+offset` removed (`vfs_read+12` → `vfs_read`, also before a
    /// ` (module)` suffix), `;` turned into `:` and line breaks into spaces, so that the frame
    /// cannot break the folded format.
    static func clean(_ frame: String, keepOffset: Bool) -> String {
        var bytes = Array(frame.utf8)
        var changed = false
        for i in bytes.indices {
            switch bytes[i] {
            case UInt8(ascii: ";"): bytes[i] = UInt8(ascii: ":"); changed = true
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): bytes[i] = UInt8(ascii: " "); changed = true
            default: break
            }
        }
        if !keepOffset, let range = offsetRange(bytes) {
            bytes.removeSubrange(range)
            changed = true
        }
        if !changed { return frame }
        if bytes.isEmpty { return "[unknown]" }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Where `+123` or `+0x1f` sits: at the end, or just before ` (`.
    private static func offsetRange(_ bytes: [UInt8]) -> Range<Int>? {
        var end = bytes.count
        if end > 0, bytes[end - 1] == UInt8(ascii: ")"), let open = bytes.lastIndex(of: UInt8(ascii: "(")),
           open > 0, bytes[open - 1] == UInt8(ascii: " ") {
            end = open - 1
        }
        var i = end
        while i > 0 {
            let b = bytes[i - 1]
            let isHex = (b >= 48 && b <= 57) || (b >= 97 && b <= 102) || (b >= 65 && b <= 70) || b == UInt8(ascii: "x")
            if !isHex { break }
            i -= 1
        }
        guard i < end, i > 1, bytes[i - 1] == UInt8(ascii: "+") else { return nil }
        let digits = bytes[i..<end]
        let valid: Bool
        if digits.count > 2, digits[digits.startIndex] == 48, digits[digits.startIndex + 1] == UInt8(ascii: "x") {
            valid = !digits.dropFirst(2).contains(UInt8(ascii: "x"))
        } else {
            valid = digits.allSatisfy { $0 >= 48 && $0 <= 57 }
        }
        return valid ? (i - 1)..<end : nil
    }

    static func sanitize(_ text: String) -> String {
        clean(text, keepOffset: true)
    }

    /// Cleaned frames by their raw text: real profiles repeat a few thousand functions
    /// across every stack, so each distinct frame is cleaned once.
    struct FrameCache {
        let keepOffsets: Bool
        let annotateKernel: Bool
        var kernelFrames: [String: String] = [:]
        var userFrames: [String: String] = [:]
        init(options: Options) {
            keepOffsets = options.keepOffsets
            annotateKernel = options.annotateKernel
        }
        mutating func kernel(_ frame: String) -> String {
            if let hit = kernelFrames[frame] { return hit }
            var cleaned = FoldedStacks.clean(frame, keepOffset: keepOffsets)
            if annotateKernel { cleaned += "_[k]" }
            kernelFrames[frame] = cleaned
            return cleaned
        }
        mutating func user(_ frame: String) -> String {
            if let hit = userFrames[frame] { return hit }
            let cleaned = FoldedStacks.clean(frame, keepOffset: keepOffsets)
            userFrames[frame] = cleaned
            return cleaned
        }
    }
}
