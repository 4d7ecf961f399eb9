/// buf(): raw bytes, printed with `%r` (non-printable bytes as `\xNN`), `%rx` or `%rh`.
extension FunctionDescriptor {
    /// The most bytes one buf() holds: buffers live on the 512-byte BPF stack, as strings do.
    public static let bufferLimit = 200

    public static let buf = FunctionDescriptor(
        name: "buf", signature: "buf(ptr or string, int len)", result: "buffer",
        summary: "len bytes (at most 200) read from ptr or taken from a string, kept as raw bytes; "
            + "printf prints them with %r, %rx or %rh", category: .string
    ) { call in
        let args = call.arguments
        guard call.arity(1...2) else { return .buffer(size: 1) }
        let source = call.infer(0)
        var size: Int
        switch source {
        case .string(let length): size = length
        case .buffer(let length): size = length
        default:
            guard source.isInteger else {
                call.error("buf() reads from a pointer or a string, not \(source)", args[0].range)
                return .buffer(size: 1)
            }
            guard args.count == 2 else {
                call.error("buf() of a pointer needs a length: buf(ptr, len)", call.range)
                return .buffer(size: 1)
            }
            size = bufferLimit
        }
        if args.count == 2 {
            if case .integer(let n) = args[1].kind {
                guard n >= 1, n <= UInt64(bufferLimit) else {
                    call.error("buf() length must be between 1 and \(bufferLimit)", args[1].range)
                    return .buffer(size: 1)
                }
                size = source.isInteger ? Int(n) : Swift.min(size, Int(n))
            } else {
                // A length known only when the probe runs: read up to it, at most the limit.
                call.integerArgument(1)
            }
        }
        return .buffer(size: Swift.max(1, size))
    }
}
