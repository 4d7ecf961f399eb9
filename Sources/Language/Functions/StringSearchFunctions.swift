/// strcontains(), strlen(): looking inside a string's buffer.
extension FunctionDescriptor {
    /// Compared byte by byte, unrolled: the product of the two buffer sizes bounds the code.
    public static let strcontainsLimit = 64 * 64

    public static let strcontains = FunctionDescriptor(
        name: "strcontains", signature: "strcontains(string haystack, string needle)", result: "bool",
        summary: "whether needle occurs in haystack (buffer sizes multiplied at most 4096)", category: .string
    ) { call in
        guard call.arity(2...2) else { return .bool }
        let haystack = call.infer(0), needle = call.infer(1)
        for (index, type) in [haystack, needle].enumerated() where !type.isString {
            call.error(
                "argument \(index + 1) of strcontains() must be a string, not \(type)", call.arguments[index].range)
        }
        if case .string(let h) = haystack, case .string(let n) = needle, h * n > strcontainsLimit {
            call.error(
                "strcontains() of a \(h)-byte and a \(n)-byte string: the sizes multiplied must be at most "
                    + "\(strcontainsLimit); bound them with str(x, len)",
                call.range)
        }
        return .bool
    }

    public static let strlen = FunctionDescriptor(
        name: "strlen", signature: "strlen(string s)", result: "int",
        summary: "the number of bytes of s before its NUL", category: .string
    ) { call in
        guard call.arity(1...1) else { return .u64 }
        let type = call.infer(0)
        if !type.isString { call.error("strlen() takes a string, not \(type)", call.arguments[0].range) }
        return .u64
    }
}
