/// getopt(): the program's named parameters (`bpfsh tool.bt -- --name=value`), read when
/// compiling, as bpftrace does.
extension FunctionDescriptor {
    public static let getopt = FunctionDescriptor(
        name: "getopt", signature: "getopt(string name [, default [, string description]])",
        result: "type of default (bool without one)",
        summary: "the named parameter --name given after `--`, else default (false without one)", category: .misc
    ) { call in
        let args = call.arguments
        guard call.arity(1...3) else { return .bool }
        guard case .string(let name) = args[0].kind else {
            call.error("getopt() takes the parameter's name as a string literal", args[0].range)
            return .bool
        }
        if args.count == 3, case .string = args[2].kind {} else if args.count == 3 {
            call.error("getopt()'s description must be a string literal", args[2].range)
        }
        call.noteOption(name)
        let defaultType = args.count >= 2 ? call.infer(1) : .bool
        let given = call.options.namedParameters[name]
        func invalid(_ kind: String, _ text: String) {
            call.error("program command line option --\(name) invalid \(kind) (value: \(text))", call.range)
        }
        switch defaultType {
        case .bool:
            var value = false
            if args.count >= 2, case .builtin("true") = args[1].kind { value = true }
            if let given {
                switch given?.lowercased() {
                case nil, "true", "1": value = true
                case "false", "0": value = false
                default: invalid("boolean", given ?? "")
                }
            }
            call.setConstant(value ? 1 : 0)
            return .bool
        case .string:
            guard case .string(let fallback) = args[1].kind else {
                call.error("getopt()'s default must be a literal", args[1].range)
                return defaultType
            }
            let text = given.map { $0 ?? "" } ?? fallback
            call.setConstant(text: text)
            return .string(size: text.utf8.count + 1)
        default:
            guard defaultType.isInteger, let fallback = call.literalInteger(1) else {
                call.error("getopt()'s default must be a bool, integer or string literal", args[1].range)
                return .s64
            }
            guard let given else {
                call.setConstant(UInt64(bitPattern: fallback))
                return .s64
            }
            guard let text = given, let value = parseInteger(text) else {
                invalid("integer", given ?? "")
                return .s64
            }
            call.setConstant(value.bits)
            return value.unsigned ? .u64 : .s64
        }
    }

    /// A decimal, `0x` hexadecimal or negative integer; unsigned when it fits only in 64 bits unsigned.
    private static func parseInteger(_ text: String) -> (bits: UInt64, unsigned: Bool)? {
        var digits = Substring(text)
        let negative = digits.hasPrefix("-")
        if negative { digits = digits.dropFirst() }
        var radix = 10
        if digits.lowercased().hasPrefix("0x") {
            digits = digits.dropFirst(2)
            radix = 16
        }
        guard let magnitude = UInt64(digits, radix: radix) else { return nil }
        if negative {
            guard magnitude <= UInt64(1) << 63 else { return nil }
            return (0 &- magnitude, false)
        }
        return (magnitude, magnitude > UInt64(Int64.max))
    }
}
