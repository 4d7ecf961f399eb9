import CLLVM
import Language

extension FunctionLowering {
    static let addresses = [
        FunctionLowering(name: "pton") { call in
            if let value = call.constant { return .scalar(call.const64(value)) }
            guard case .string(let text) = call.arguments[0].kind, let bytes = InternetAddress.bytes(of: text),
                bytes.count == 16
            else { return .scalar(call.const64(0)) }
            // A 16-byte buffer: its length, then the address as two words of memory.
            let lowering = call.lowering, ir = lowering.ir
            let slot = lowering.stackBuffer(size: SType.buffer(size: 16).storageSize)
            ir.store(call.const64(16), to: slot, alignment: 8)
            for half in 0..<2 {
                let word = bytes[(half * 8)..<(half * 8 + 8)].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                ir.store(call.const64(word), to: ir.offset(slot, 8 + half * 8), alignment: 8)
            }
            return .buffer(slot)
        }
    ]
}
