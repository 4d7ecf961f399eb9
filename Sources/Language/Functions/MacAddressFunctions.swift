/// macaddr(): six bytes kept as one integer and shown as `05:04:03:02:01:02`.
extension FunctionDescriptor {
    public static let macaddr = FunctionDescriptor(
        name: "macaddr", signature: "macaddr(char[6] mac or ptr)", result: "macaddr",
        summary: "a MAC address from 6 bytes (an array such as a struct's char[6], or read at a pointer), "
            + "printed with %s as 18:C0:4D:08:2E:BB", category: .misc
    ) { call in
        let result = SType.named(.macAddress)
        guard call.arity(1...1) else { return result }
        if case .string = call.arguments[0].kind {
            call.infer(0)
            call.error("macaddr() does not support literal string arguments", call.arguments[0].range)
            return result
        }
        let source = call.infer(0)
        switch source {
        case .array:
            if source.packedSize < 6 {
                call.error("macaddr() argument must be at least 6 bytes in size", call.arguments[0].range)
            }
        case .string(let size), .buffer(let size):
            if size < 6 {
                call.error("macaddr() argument must be at least 6 bytes in size", call.arguments[0].range)
            }
        default:
            if !source.isInteger {
                call.error(
                    "macaddr() only supports array or pointer arguments (\(source) provided)", call.arguments[0].range)
            }
        }
        return result
    }
}
