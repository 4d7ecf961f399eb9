/// str_concat(), strstr(), strcap(), memcmp(): strings joined, searched, measured, compared.
extension FunctionDescriptor {
    public static let strConcat = FunctionDescriptor(
        name: "str_concat", signature: "str_concat(string s1, string s2)", result: "string",
        summary: "s1 followed by s2 (buffer sizes multiplied at most 4096)", category: .string
    ) { call in
        guard call.arity(2...2) else { return .string(size: Builtins.defaultStringSize) }
        // Unrolled like strcontains(): one copy of s2 per place where s1 may end.
        guard let (a, b) = unrolledStringPair(call, "str_concat") else {
            return .string(size: Builtins.defaultStringSize)
        }
        return .string(size: a + b - 1)
    }

    public static let strstr = FunctionDescriptor(
        name: "strstr", signature: "strstr(string haystack, string needle)", result: "int64",
        summary: "the index of the first needle in haystack, or -1 (buffer sizes multiplied at most 4096)",
        category: .string
    ) { call in
        guard call.arity(2...2) else { return .s64 }
        _ = unrolledStringPair(call, "strstr")
        return .s64
    }

    /// Known when compiling: the size of a string's buffer, or max_strlen for a pointer.
    public static let strcap = FunctionDescriptor(
        name: "strcap", signature: "strcap(string or int8 * s)", result: "int64",
        summary: "the capacity of a string-like value: its buffer size, or the default string length for a pointer",
        category: .string
    ) { call in
        guard call.arity(1...1) else { return .s64 }
        switch call.infer(0) {
        case .string(let size): call.setConstant(UInt64(size))
        case .pointer, .int:
            let size = call.defaultStringSize
            call.setConstant(UInt64(size))
        case let type: call.error("strcap() takes a string or a pointer, not \(type)", call.arguments[0].range)
        }
        return .s64
    }

    public static let memcmp = FunctionDescriptor(
        name: "memcmp", signature: "memcmp(left, right, uint64 count)", result: "int",
        summary: "0 when the first count bytes of left and right are equal, else the difference of the first unequal pair",
        category: .string
    ) { call in
        guard call.arity(3...3) else { return .s64 }
        var sizes: [Int] = []
        for index in 0..<2 {
            switch call.infer(index) {
            case .string(let size), .buffer(let size): sizes.append(size)
            case .int(let bytes, _): sizes.append(bytes)
            case let type:
                call.error("memcmp() compares strings, buffers or integers, not \(type)", call.arguments[index].range)
                return .s64
            }
        }
        guard let count = call.literalInteger(2) else { return .s64 }
        if count < 0 || count > Int64(sizes.min()!) {
            call.error(
                "memcmp() count \(count) is more than the \(sizes.min()!) bytes of the smaller argument",
                call.arguments[2].range)
        }
        // A positional parameter is a count too: lowering reads it from here.
        call.setConstant(UInt64(Swift.max(0, count)))
        return .s64
    }
}
