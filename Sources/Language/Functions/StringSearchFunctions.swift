/// strcontains(), strlen(): looking inside a string's buffer.
extension FunctionDescriptor {
    /// Compared byte by byte, unrolled: the product of the two buffer sizes bounds the code.
    public static let strcontainsLimit = 64 * 64

    /// The two string arguments of a function whose code is unrolled over both buffers
    /// (strcontains, strstr, str_concat): each must be a string, and their buffer sizes
    /// multiplied at most `strcontainsLimit`. Their sizes when both are string buffers.
    static func unrolledStringPair(_ call: CallTyping, _ name: String) -> (Int, Int)? {
        let first = call.infer(0), second = call.infer(1)
        for (index, type) in [first, second].enumerated() where !type.isString {
            call.error("argument \(index + 1) of \(name)() must be a string, not \(type)", call.arguments[index].range)
        }
        guard case .string(let a) = first, case .string(let b) = second else { return nil }
        if a * b > strcontainsLimit {
            call.error(
                "\(name)() of a \(a)-byte and a \(b)-byte string: the sizes multiplied must be at most "
                    + "\(strcontainsLimit); bound them with str(x, len)",
                call.range)
        }
        return (a, b)
    }

    public static let strcontains = FunctionDescriptor(
        name: "strcontains", signature: "strcontains(string haystack, string needle)", result: "bool",
        summary: "whether needle occurs in haystack (buffer sizes multiplied at most 4096)", category: .string
    ) { call in
        guard call.arity(2...2) else { return .bool }
        _ = unrolledStringPair(call, "strcontains")
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
