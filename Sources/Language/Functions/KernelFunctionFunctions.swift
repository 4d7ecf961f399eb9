/// kfunc_exist(), kfunc_allowed(): questions about the kernel's kfuncs, answered when compiling.
extension FunctionDescriptor {
    public static let kfuncExist = kfuncQuestion(
        "kfunc_exist", summary: "whether the kernel's BTF has the kfunc, answered at compile time"
    ) { call, name in call.catalogue.kernelFunctionExists(name) }

    public static let kfuncAllowed = kfuncQuestion(
        "kfunc_allowed",
        summary: "whether this probe's program type may call the kfunc (the verifier is asked at compile time)"
    ) { call, name in call.catalogue.kernelFunctionAllowed(name, in: call.site.provider.programType) }

    private static func kfuncQuestion(
        _ name: String, summary: String, answer: @escaping @Sendable (CallTyping, String) -> Bool
    ) -> FunctionDescriptor {
        FunctionDescriptor(
            name: name, signature: "\(name)(string kfunc)", result: "bool", summary: summary, category: .misc
        ) { call in
            guard call.arity(1...1) else { return .bool }
            guard case .string(let kfunc) = call.arguments[0].kind else {
                call.infer(0)
                call.error("\(name)() accepts a string literal only", call.arguments[0].range)
                return .bool
            }
            call.setConstant(answer(call, kfunc) ? 1 : 0)
            return .bool
        }
    }
}
