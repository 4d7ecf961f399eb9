/// is_err(): whether a kernel pointer is an error code (`ERR_PTR(-errno)`), as IS_ERR() says.
extension FunctionDescriptor {
    public static let isErr = FunctionDescriptor(
        name: "is_err", signature: "is_err(ptr)", result: "bool",
        summary: "whether ptr is a kernel error pointer, -4095 to -1 (IS_ERR)", category: .misc
    ) { call in
        guard call.arity(1...1) else { return .bool }
        call.integerArgument(0)
        return .bool
    }
}
