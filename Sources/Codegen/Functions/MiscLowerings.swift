import CLLVM
import Language

extension FunctionLowering {
    static let misc = [
        FunctionLowering(name: "sizeof") { call in .scalar(call.const64(call.constant ?? 8)) },
        FunctionLowering(name: "reg") { call in
            if case .string(let register) = call.arguments[0].kind { return .scalar(call.lowering.register(register)) }
            return .scalar(call.scalar(0))
        },
        // Both address spaces are read alike: the value passes through.
        FunctionLowering(name: "uptr") { call in .scalar(call.scalar(0)) },
        FunctionLowering(name: "kptr") { call in .scalar(call.scalar(0)) },
    ]
}
