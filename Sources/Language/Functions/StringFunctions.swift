/// str(), strncmp(), ntop(): strings read from memory, compared, or made from addresses.
extension FunctionDescriptor {
    public static let str = FunctionDescriptor(
        name: "str", signature: "str(ptr [, int len])", result: "string",
        summary: "the NUL-terminated string at ptr, up to len bytes (at most 1024, default 64)", category: .string
    ) { call in
        let args = call.arguments
        guard call.arity(1...2) else { return .string(size: Builtins.defaultStringSize) }
        if case .positional(let n) = args[0].kind {
            // str($1) is the parameter's text, whether or not it looks like a number.
            _ = call.infer(0)
            let parameters = call.options.positionalParameters
            let text = n >= 1 && n <= parameters.count ? parameters[n - 1] : ""
            return .string(size: text.utf8.count + 1)
        }
        let t = call.infer(0)
        // max_strlen sets the default.
        let limit = Builtins.maxStringSize
        var size = call.defaultStringSize
        if args.count == 2 {
            if let n = call.literalInteger(1) {
                if n < 1 || n > limit { call.error("str() length must be between 1 and \(limit)", args[1].range) }
                // The length counts the terminating NUL, as in bpftrace.
                size = Int(Swift.max(1, Swift.min(Int64(limit), n)))
            }
        }
        if case .string(let s) = t { return .string(size: Swift.min(s, size)) }
        if !t.isInteger { call.error("str() needs a pointer or a string, not \(t)", args[0].range) }
        return .string(size: size)
    }

    public static let strncmp = FunctionDescriptor(
        name: "strncmp", signature: "strncmp(string a, string b, int n)", result: "int",
        summary: "0 when the first n bytes of a and b are equal", category: .string
    ) { call in
        guard call.arity(3...3) else { return .u64 }
        let a = call.infer(0), b = call.infer(1)
        if !a.isString || !b.isString { call.error("strncmp() compares two strings", call.range) }
        _ = call.literalInteger(2)
        return .u64
    }

    public static let ntop = FunctionDescriptor(
        name: "ntop", signature: "ntop([int af,] addr)", result: "inet",
        summary: "an IPv4 or IPv6 address as text", category: .string
    ) { call in
        guard call.arity(1...2) else { return .inet }
        for index in call.arguments.indices { _ = call.infer(index) }
        return .inet
    }
}
