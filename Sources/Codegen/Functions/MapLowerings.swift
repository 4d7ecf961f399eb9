import CLLVM
import Language

extension FunctionLowering {
    /// clear() and zero() are done by user space on the call's event; delete() in the kernel.
    static let maps =
        ["clear", "zero"].map { FunctionLowering(name: $0, lower: event) } + [
            FunctionLowering(name: "delete") { call in
                let lowering = call.lowering, args = call.arguments
                guard case .map(let mapName, var keys) = args[0].kind, let info = lowering.program.map(named: mapName)
                else {
                    return .scalar(call.const64(0))
                }
                if args.count == 2 { keys = args[1].keyParts(count: info.keys.count) }
                if case .aggregation(let a, _) = info.value, a.addsBucketKey {
                    // A histogram key is spread over buckets; deleting one user key is done by
                    // user space (`clear` semantics for that key) — not supported in-kernel.
                    return .scalar(call.const64(0))
                }
                let ir = lowering.ir
                let key = lowering.buildKey(info, keys: keys)
                if info.isArray {
                    // A keyless aggregation's one slot cannot be deleted: it is zeroed instead.
                    let zero = lowering.stackBuffer(size: max(8, info.valueSize))
                    ir.memset(zero, size: max(8, info.valueSize))
                    lowering.updateMap(info.name, key: key, value: zero)
                    return .scalar(call.const64(1))
                }
                let result = ir.helper(.mapDelete, [lowering.mapPointer(mapName), key])
                return .scalar(ir.boolToI64(LLVMBuildICmp(call.builder, LLVMIntEQ, result, call.const64(0), "")!))
            }
        ]
}
