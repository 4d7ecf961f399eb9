/// is_integer(), is_str()... assert_str(), default_str_length(), has_cpid(): questions about
/// a value's type or the run, answered when compiling (bpftrace's comptime stdlib macros).
extension FunctionDescriptor {
    public static let isInteger = predicate("is_integer", "an integer") {
        switch $0 {
        case .int, .enumeration: return true
        default: return false
        }
    }
    public static let isUnsignedInteger = predicate("is_unsigned_integer", "an unsigned integer") {
        if case .int(_, signed: false) = $0 { return true }
        return false
    }
    public static let isStr = predicate("is_str", "a string") { $0.isString }
    public static let isPtr = predicate("is_ptr", "a pointer") {
        if case .pointer = $0 { return true }
        return false
    }
    public static let isArray = predicate("is_array", "an array") { $0.isArray }

    /// A literal as written: `1`, `-1`, `"hello"`, `true`.
    public static let isLiteral = FunctionDescriptor(
        name: "is_literal", signature: "is_literal(expr)", result: "bool",
        summary: "whether expr is written as a literal (1, true, \"hello\"), known when compiling", category: .misc
    ) { call in
        guard call.arity(1...1) else { return .bool }
        call.infer(0)
        call.setConstant(isLiteralExpression(call.arguments[0]) ? 1 : 0)
        return .bool
    }

    static func isLiteralExpression(_ expr: Expr) -> Bool {
        switch expr.kind {
        case .integer, .string: return true
        case .builtin(let name): return name == "true" || name == "false"
        case .unary("-", let inner): return inner.isIntegerLiteral
        default: return false
        }
    }

    private static func predicate(
        _ name: String, _ what: String, _ holds: @escaping @Sendable (SType) -> Bool
    ) -> FunctionDescriptor {
        FunctionDescriptor(
            name: name, signature: "\(name)(expr)", result: "bool",
            summary: "whether expr is \(what), known when compiling", category: .misc
        ) { call in
            guard call.arity(1...1) else { return .bool }
            call.setConstant(holds(call.infer(0)) ? 1 : 0)
            return .bool
        }
    }

    public static let assertStr = FunctionDescriptor(
        name: "assert_str", signature: "assert_str(expr)", result: "none",
        summary: "a compile error unless expr is string-like (a string or a pointer to char)", category: .misc
    ) { call in
        guard call.arity(1...1) else { return .void }
        let type = call.infer(0)
        switch type {
        case .string: break
        case .pointer(let pointee) where pointee.hasSuffix("char") || pointee.hasPrefix("int8") || pointee.hasPrefix("uint8"):
            break
        default: call.error("expected a string, not \(type)", call.arguments[0].range)
        }
        return .void
    }

    public static let defaultStrLength = FunctionDescriptor(
        name: "default_str_length", signature: "default_str_length()", result: "int",
        summary: "the length str() reads when given none (the max_strlen config)", category: .string
    ) { call in
        guard call.arity(0...0) else { return .u64 }
        let size = call.defaultStringSize
        call.setConstant(UInt64(size))
        return .u64
    }

    /// Lowered from the run's options: whether `-c` started a child.
    public static let hasCpid = FunctionDescriptor(
        name: "has_cpid", signature: "has_cpid()", result: "bool",
        summary: "whether cpid has a value (the run started a command with -c)", category: .misc
    ) { call in
        _ = call.arity(0...0)
        return .bool
    }
}
