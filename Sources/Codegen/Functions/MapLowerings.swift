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
                    return .none
                }
                if args.count == 2 { keys = [args[1]] }
                if case .aggregation(let a, _) = info.value, a.addsBucketKey {
                    // A histogram key is spread over buckets; deleting one user key is done by
                    // user space (`clear` semantics for that key) — not supported in-kernel.
                    return .none
                }
                lowering.ir.helper(.mapDelete, [lowering.mapPointer(mapName), lowering.buildKey(info, keys: keys)])
                return .none
            }
        ]
}
