/// usermode(): whether the probe interrupted user code, from the saved `cs` register.
extension FunctionDescriptor {
    /// How code generation gets the answer (the call's constant).
    public enum UserModeSource: UInt64 {
        /// The probe has no saved registers and never interrupts user code (tracepoints, BTF probes).
        case kernel = 0
        /// BEGIN and END run from the tracer itself, a user process, as bpftrace answers.
        case user = 1
        /// The privilege level in the low two bits of the saved `cs`.
        case register = 2
    }

    public static let usermode = FunctionDescriptor(
        name: "usermode", signature: "usermode()", result: "uint8",
        summary: "1 when the probe fired in user mode, else 0 (x86_64)", category: .misc
    ) { call in
        let result = SType.int(bytes: 1, signed: false)
        guard call.arity(0...0) else { return result }
        #if !arch(x86_64)
            call.error("'usermode' builtin is only supported on x86_64", call.range)
        #endif
        let source: UserModeSource
        switch call.site.context.layout {
        case .registers, .perfEvent: source = .register
        case .none: source = call.site.target.kind == .begin || call.site.target.kind == .end ? .user : .kernel
        case .tracepointRecord, .argumentArray: source = .kernel
        }
        call.setConstant(source.rawValue)
        return result
    }
}
