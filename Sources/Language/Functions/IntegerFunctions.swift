/// bswap(): integers in the other byte order (network ports and addresses, as tcplife.bt).
extension FunctionDescriptor {
    /// As in bpftrace, the result has the argument's width, unsigned; 8-bit values pass through.
    public static let bswap = FunctionDescriptor(
        name: "bswap", signature: "bswap(int n)", result: "uint of n's width",
        summary: "n with the order of its bytes reversed", category: .misc
    ) { call in
        guard call.arity(1...1) else { return .u64 }
        let t = call.infer(0)
        guard case .int(let bytes, _) = t else {
            call.error("bswap() takes an integer, not \(t)", call.arguments[0].range)
            return .u64
        }
        return .int(bytes: bytes, signed: false)
    }
}
