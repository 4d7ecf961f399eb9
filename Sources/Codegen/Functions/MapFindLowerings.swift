import CLLVM
import Language

extension FunctionLowering {
    /// find(): one lookup; the value is written to the variable only when the key is there.
    static let mapFind = [
        FunctionLowering(name: "find") { call in
            let lowering = call.lowering, ir = lowering.ir
            guard case .map(let mapName, _) = call.arguments[0].kind, let info = lowering.program.map(named: mapName),
                case .variable(let variable) = call.arguments[2].kind, let slot = lowering.variables[variable],
                case .plain(let valueType) = info.value
            else { return .scalar(call.const64(0)) }
            let key = lowering.buildKey(info, keys: call.arguments[1].keyParts(count: info.keys.count))
            let pointer = lowering.lookup(info.name, key: key)
            let found = ir.isNonZero(pointer)
            let present = ir.block("find.present"), done = ir.block("find.done")
            LLVMBuildCondBr(call.builder, found, present, done)
            ir.position(at: present)
            let target = lowering.unit.variables[variable] ?? valueType
            let value: Lowered =
                lowering.isScalarStorage(valueType)
                ? .scalar(ir.load(ir.i64, from: pointer, alignment: 8)) : .buffer(pointer)
            lowering.write(value, from: valueType, to: target, at: slot)
            ir.branch(to: done)
            ir.position(at: done)
            return .scalar(ir.boolToI64(found))
        }
    ]
}
