import Language

extension FunctionLowering {
    static let options = [
        // The value was fixed when type checking, from the command line or the default.
        FunctionLowering(name: "getopt") { call in
            if let text = call.lowering.unit.stringConstants[call.expression.id] {
                return .buffer(
                    call.lowering.constantString(text, size: call.type(of: call.expression).storageSize))
            }
            return .scalar(call.const64(call.constant ?? 0))
        }
    ]
}
