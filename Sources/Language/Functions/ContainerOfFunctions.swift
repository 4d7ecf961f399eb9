/// container_of(): from a pointer to a member back to the struct holding it.
extension FunctionDescriptor {
    public static let containerOf = FunctionDescriptor(
        name: "container_of", signature: "container_of(ptr, type, member)", result: "type *",
        summary: "a pointer to the type (typeof(struct Foo) or struct Foo) whose member ptr points at",
        category: .misc
    ) { call in
        let args = call.arguments
        guard call.arity(3...3) else { return .u64 }
        let pointer = call.infer(0)
        if !pointer.isInteger { call.error("container_of() takes a pointer, not \(pointer)", args[0].range) }
        guard case .typeOf(let type) = args[1].kind else {
            call.error("the second argument of container_of() is a type, such as typeof(struct Foo)", args[1].range)
            return .u64
        }
        guard let path = memberPath(args[2]) else {
            call.error("the third argument of container_of() names a member, such as n or a.b", args[2].range)
            return .u64
        }
        guard let offset = call.offset(of: path, in: type) else { return .u64 }
        call.setConstant(UInt64(offset))
        var container = type
        container.pointerDepth += 1
        return call.resolve(container)
    }

    /// `n` or `a.b`, as offsetof() names a (nested) member.
    private static func memberPath(_ expr: Expr) -> [String]? {
        switch expr.kind {
        case .builtin(let name), .variable(let name): return [name]
        case .field(let base, let name, false): return memberPath(base).map { $0 + [name] }
        default: return nil
        }
    }
}
