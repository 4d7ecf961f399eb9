/// sizeof(), reg(), uptr(), kptr(): sizes, registers and address-space annotations.
extension FunctionDescriptor {
    public static let sizeof = FunctionDescriptor(
        name: "sizeof", signature: "sizeof(type or expr)", result: "int",
        summary: "the size in bytes of a type or of an expression's type", category: .misc
    ) { call in
        guard call.arity(1...1) else { return .u64 }
        call.setConstant(UInt64(SemanticAnalyzer.declaredSize(call.inferTypeOnly(0))))
        return .u64
    }

    /// Checked against the probe after its argument is accepted (see `ProbeRequirement`).
    public static let reg = FunctionDescriptor(
        name: "reg", signature: "reg(string name)", result: "int",
        summary: "a pt_regs register (\"ip\", \"sp\"...) of the probed context", category: .misc,
        probes: .layouts(
            [.registers, .perfEvent], "kprobe, uprobe and profile probes",
            refusal: "reg() needs a kprobe, uprobe or profile probe")
    ) { call in
        guard call.arity(1...1), case .string(let register) = call.arguments[0].kind,
            Builtins.registerOffsets[register] != nil
        else {
            call.error("reg() takes a register name such as \"ip\" or \"sp\"", call.range)
            return .u64
        }
        return .u64
    }

    public static let uptr = addressSpace("uptr", "user")
    public static let kptr = addressSpace("kptr", "kernel")

    /// uptr()/kptr(): the value unchanged; bpfsh reads user and kernel memory alike.
    private static func addressSpace(_ name: String, _ space: String) -> FunctionDescriptor {
        FunctionDescriptor(
            name: name, signature: "\(name)(ptr)", result: "type of ptr", summary: "marks ptr as a \(space) address",
            category: .misc
        ) { call in
            guard call.arity(1...1) else { return .u64 }
            return call.infer(0)
        }
    }
}
