import CLLVM
import Language

extension FunctionLowering {
    /// uaddr(): the ELF address, or the saved ip plus the distance from the probed function.
    static let userAddresses = [
        FunctionLowering(name: "uaddr") { call in
            let form = call.lowering.unit.stringConstants[call.expression.id].flatMap {
                FunctionDescriptor.UserAddressForm(rawValue: $0)
            }
            let constant = call.const64(call.constant ?? 0)
            guard form == .fromIP else { return .scalar(constant) }
            return .scalar(LLVMBuildAdd(call.builder, call.lowering.register("ip"), constant, "")!)
        }
    ]
}
