import CLLVM
import Language

extension UnitLowering {
    /// `argN` of a USDT probe: where its note says the value is at the probe's instruction (a
    /// register, a constant, or user memory addressed by registers), narrowed to its declared
    /// size and extended by its sign. An argument past the note's count reads 0 (the type
    /// checker refuses it first).
    func usdtArgument(_ index: Int, of arguments: [UsdtArgument]) -> LLVMValueRef {
        guard index < arguments.count else { return ir.const64(UInt64(0)) }
        let argument = arguments[index]
        switch argument.location {
        case .register(let name):
            return ir.fit(register(name), bytes: argument.size, signed: argument.isSigned)
        case .constant(let value):
            return ir.fit(ir.const64(value), bytes: argument.size, signed: argument.isSigned)
        case .memory(let base, let indexRegister, let scale, let displacement):
            var address = ir.const64(displacement)
            if let base { address = LLVMBuildAdd(ir.builder, address, register(base), "")! }
            if let indexRegister {
                let scaled = LLVMBuildMul(ir.builder, register(indexRegister), ir.const64(UInt64(scale)), "")!
                address = LLVMBuildAdd(ir.builder, address, scaled, "")!
            }
            return probeRead(address: address, bytes: argument.size, signed: argument.isSigned)
        }
    }
}
