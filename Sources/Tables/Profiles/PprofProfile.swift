/// pprof's profile.proto (github.com/google/pprof/proto/profile.proto), the format of
/// `go tool pprof`, Parca and Pyroscope, written field by field:
///
///     Profile  1 sample_type ValueType · 2 sample · 3 mapping · 4 location · 5 function
///              6 string_table · 9 time_nanos · 10 duration_nanos · 11 period_type · 12 period
///     ValueType 1 type · 2 unit (string table indexes)
///     Sample   1 location_id (packed, leaf first) · 2 value (packed)
///     Mapping  1 id · 5 filename · 7 has_functions
///     Location 1 id · 2 mapping_id · 4 line (Line: 1 function_id)
///     Function 1 id · 2 name · 3 system_name · 4 filename
///
/// One function and one location per distinct frame (ids are the frame's index + 1). Kernel
/// frames belong to a `[kernel.kallsyms]` mapping and user frames to `[user]`, as perf names
/// them, so tools can tell them apart; the process frames at the root have no mapping.
/// Values are sample counts (`samples`/`count`).
public enum PprofProfile {
    static let kernelMapping: UInt64 = 1
    static let userMapping: UInt64 = 2

    public static func encode(_ stacks: ProfileStacks, capture: CaptureSpan? = nil) -> [UInt8] {
        var strings: [String] = [""]
        var stringIndex: [String: Int64] = ["": 0]
        func string(_ text: String) -> Int64 {
            if let index = stringIndex[text] { return index }
            strings.append(text)
            stringIndex[text] = Int64(strings.count - 1)
            return Int64(strings.count - 1)
        }
        var out = ProtobufWriter()
        let samples = string("samples"), count = string("count")
        out.message(1) {
            $0.int(1, samples)
            $0.int(2, count)
        }
        for sample in stacks.samples {
            out.message(2) {
                $0.packed(1, sample.stack.reversed().map { UInt64($0 + 1) })
                $0.packed(2, [sample.count])
            }
        }
        let kernelFile = string("[kernel.kallsyms]"), userFile = string("[user]")
        for (id, file) in [(kernelMapping, kernelFile), (userMapping, userFile)] {
            out.message(3) {
                $0.uint(1, id)
                $0.int(5, file)
                $0.bool(7, true)
            }
        }
        for (index, frame) in stacks.frames.enumerated() {
            out.message(4) {
                $0.uint(1, UInt64(index + 1))
                switch frame.kind {
                case .kernel: $0.uint(2, kernelMapping)
                case .user: $0.uint(2, userMapping)
                case .process: break
                }
                $0.message(4) { $0.uint(1, UInt64(index + 1)) }
            }
        }
        for (index, frame) in stacks.frames.enumerated() {
            let name = string(frame.name)
            let file: Int64
            switch frame.kind {
            case .kernel: file = kernelFile
            case .user: file = userFile
            case .process: file = 0
            }
            out.message(5) {
                $0.uint(1, UInt64(index + 1))
                $0.int(2, name)
                $0.int(3, name)
                $0.int(4, file)
            }
        }
        for text in strings { out.string(6, text) }
        if let capture {
            out.int(9, Int64(capture.end * 1e9))
            if let seconds = capture.seconds { out.int(10, Int64(seconds * 1e9)) }
        }
        out.message(11) {
            $0.int(1, samples)
            $0.int(2, count)
        }
        out.int(12, 1)
        return out.bytes
    }
}
