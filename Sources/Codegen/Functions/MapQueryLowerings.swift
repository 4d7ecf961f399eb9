import CLLVM
import Language

extension FunctionLowering {
    /// has_key(): a lookup whose pointer is only compared with NULL.
    static let mapQueries = [
        FunctionLowering(name: "has_key") { call in
            let lowering = call.lowering, ir = lowering.ir
            guard case .map(let mapName, _) = call.arguments[0].kind, let info = lowering.program.map(named: mapName)
            else { return .scalar(call.const64(0)) }
            let key = lowering.buildKey(info, keys: call.arguments[1].keyParts(count: info.keys.count))
            let found = ir.helper(.mapLookup, [lowering.mapPointer(mapName), key])
            return .scalar(ir.boolToI64(LLVMBuildICmp(call.builder, LLVMIntNE, found, call.const64(0), "")))
        }
    ]
}
