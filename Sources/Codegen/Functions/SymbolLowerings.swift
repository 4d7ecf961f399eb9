import CLLVM
import Language

extension FunctionLowering {
    static let symbols = [
        // User space turns the address into a name when it prints.
        FunctionLowering(name: "ksym") { call in .scalar(call.scalar(0)) },
        FunctionLowering(name: "kaddr") { call in .scalar(call.const64(call.constant ?? 0)) },
        FunctionLowering(name: "usym") { call in
            // (address, pid): the pid tells user space which process's mappings to read.
            let lowering = call.lowering, ir = lowering.ir
            let slot = lowering.stackBuffer(size: 16)
            ir.store(call.scalar(0), to: slot, alignment: 8)
            ir.store(
                LLVMBuildLShr(call.builder, lowering.invariantHelper(.getCurrentPidTgid), call.const64(32), "")!,
                to: ir.offset(slot, 8), alignment: 8)
            return .buffer(slot)
        },
    ]
}
