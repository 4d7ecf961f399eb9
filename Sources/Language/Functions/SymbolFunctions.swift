/// ksym(), usym(), kaddr(): kernel and user symbols.
extension FunctionDescriptor {
    public static let ksym = FunctionDescriptor(
        name: "ksym", signature: "ksym(int addr)", result: "ksym", summary: "the kernel symbol at addr",
        category: .symbol
    ) { call in
        guard call.arity(1...1) else { return .ksym }
        call.integerArgument(0)
        return .ksym
    }

    public static let usym = FunctionDescriptor(
        name: "usym", signature: "usym(int addr)", result: "usym",
        summary: "the symbol at addr in the current process", category: .symbol
    ) { call in
        guard call.arity(1...1) else { return .ksym }
        call.integerArgument(0)
        return .usym
    }

    public static let kaddr = FunctionDescriptor(
        name: "kaddr", signature: "kaddr(string sym)", result: "int",
        summary: "the address of a kernel symbol, resolved at compile time", category: .symbol
    ) { call in
        guard call.arity(1...1), case .string(let symbol) = call.arguments[0].kind else {
            call.error("kaddr() takes a kernel symbol name as a string literal", call.range)
            return .u64
        }
        if let address = call.catalogue.kernelAddress(of: symbol) {
            call.setConstant(address)
        } else {
            // bpftrace's words; the note is why a variable such as loads.bt's avenrun may be missing.
            call.error(
                "Failed to resolve kernel symbol: \(symbol)", call.range,
                notes: [
                    "kernel addresses come from /proc/kallsyms, which lists variables only on kernels built "
                        + "with CONFIG_KALLSYMS_ALL"
                ])
        }
        return .u64
    }
}
