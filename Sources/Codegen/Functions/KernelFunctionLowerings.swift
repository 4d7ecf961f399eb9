import Language

extension FunctionLowering {
    /// kfunc_exist()/kfunc_allowed(): the answer the checker found.
    static let kernelFunctions = ["kfunc_exist", "kfunc_allowed"].map { name in
        FunctionLowering(name: name) { call in .scalar(call.const64(call.constant ?? 0)) }
    }
}
