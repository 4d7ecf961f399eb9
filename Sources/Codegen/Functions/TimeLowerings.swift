import CLLVM
import Language

extension FunctionLowering {
    static let time = [
        // The timestamp travels as nanoseconds; user space formats it.
        FunctionLowering(name: "strftime") { call in .scalar(call.scalar(1)) },
        FunctionLowering(name: "nsecs") { call in
            let ir = call.lowering.ir
            let modes = FunctionDescriptor.TimestampMode.allCases
            let mode = modes[Int(call.constant ?? 0) % modes.count]
            switch mode {
            case .boot: return .scalar(ir.helper(.ktimeGetBootNs, []))
            case .monotonic: return .scalar(ir.helper(.ktimeGetNs, []))
            case .tai: return .scalar(ir.helper(.ktimeGetTaiNs, []))
            case .swTai:
                // The offset is measured when the program is compiled, as bpftrace does.
                let offset = FunctionDescriptor.taiOffsetFromBoot()
                return .scalar(LLVMBuildAdd(call.builder, ir.helper(.ktimeGetBootNs, []), ir.const64(offset), "")!)
            }
        }
    ]
}
