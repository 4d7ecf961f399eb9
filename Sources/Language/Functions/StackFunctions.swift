/// kstack(), ustack(): stacks limited to n frames (the builtins `kstack`/`ustack` are the
/// same with the default limit).
extension FunctionDescriptor {
    public static let kstack = stack("kstack", "the kernel stack")
    public static let ustack = stack("ustack", "the user stack")

    private static func stack(_ name: String, _ summary: String) -> FunctionDescriptor {
        FunctionDescriptor(
            name: name, signature: "\(name)([mode,] [int n])", result: name,
            summary: summary + ", optionally limited to n frames (at most 127)", category: .stack
        ) { call in
            let args = call.arguments
            guard call.arity(0...2) else { return .kstack(limit: 127) }
            var limit = 127
            var mode = call.config.stackMode
            for index in args.indices {
                if case .builtin(let word) = args[index].kind, let named = StackMode(rawValue: word) {
                    if named == .buildID && name == "kstack" {
                        call.error("the build_id stack mode is for ustack only", args[index].range)
                    }
                    mode = named
                    continue
                }
                if let n = call.literalInteger(index) {
                    if n < 1 || n > 127 { call.error("the stack limit must be between 1 and 127", args[index].range) }
                    limit = Int(Swift.max(1, Swift.min(127, n)))
                }
            }
            return name == "kstack" ? .kstack(limit: limit, mode: mode) : .ustack(limit: limit, mode: mode)
        }
    }
}
