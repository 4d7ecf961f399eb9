/// uaddr(): the address of a symbol of the probed binary, looked up when compiling.
extension FunctionDescriptor {
    /// How code generation makes the address (the call's string constant).
    public enum UserAddressForm: String {
        /// A program linked at fixed addresses: the ELF address is the address.
        case absolute
        /// A PIE program or a library: the uprobe (or usdt site) fires at its ELF address plus
        /// the load bias, so the symbol is at `ip + (symbol - probed)` (the constant).
        case fromIP = "ip"
    }

    public static let uaddr = FunctionDescriptor(
        name: "uaddr", signature: "uaddr(string symbol)", result: "pointer to uint8/16/32/64",
        summary: "the address of a symbol of the probed binary, resolved at compile time; "
            + "a uint8/16/32/64 pointer by the symbol's size (uint64 when not 1, 2, 4 or 8)", category: .symbol,
        probes: ProbeRequirement("uprobe, uretprobe and usdt probes") { name, site in
            [.uprobe, .uretprobe, .usdt].contains(site.target.kind)
                ? nil : "\(name)() is only available in uprobe, uretprobe and usdt probes"
        }
    ) { call in
        let fallback = SType.pointer(pointee: "uint64")
        guard call.arity(1...1) else { return fallback }
        guard case .string(let name) = call.arguments[0].kind else {
            call.infer(0)
            call.error("uaddr() takes a string literal symbol name", call.arguments[0].range)
            return fallback
        }
        call.refuseIfProbeNotAllowed()
        guard [.uprobe, .uretprobe, .usdt].contains(call.site.target.kind), let binary = call.site.target.parts.first
        else { return fallback }
        guard let symbol = call.catalogue.userSymbol(named: name, in: binary) else {
            call.error("Could not resolve symbol: \(binary):\(name)", call.arguments[0].range)
            return fallback
        }
        let type: SType
        switch symbol.size {
        case 1: type = .pointer(pointee: "uint8")
        case 2: type = .pointer(pointee: "uint16")
        case 4: type = .pointer(pointee: "uint32")
        default: type = fallback
        }
        if !symbol.positionIndependent {
            call.setConstant(symbol.address)
            call.setConstant(text: UserAddressForm.absolute.rawValue)
        } else if call.site.target.kind != .uretprobe, let probed = call.catalogue.userProbeAddress(of: call.site.target) {
            call.setConstant(symbol.address &- probed)
            call.setConstant(text: UserAddressForm.fromIP.rawValue)
        } else {
            call.error(
                "uaddr() in \(binary), which is loaded at an address chosen when it runs, needs a uprobe on a "
                    + "function of it or a usdt probe with one site: bpfsh finds the load address from where "
                    + "that probe fires",
                call.range)
        }
        return type
    }
}
