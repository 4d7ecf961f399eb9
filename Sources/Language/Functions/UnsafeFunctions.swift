/// system(), signal(), signal_thread(), write_user(): calls that act on the machine, refused without `--unsafe` (the
/// refusal text comes from `unsafeReason`).
extension FunctionDescriptor {
    public static let system = FunctionDescriptor(
        name: "system", signature: "system(string fmt, ...)", result: "none",
        summary: "run the formatted command and print its output", category: .unsafe,
        unsafeReason: "runs commands as root"
    ) { call in
        formatted(call) { .system(format: $0) }
    }

    public static let signal = sendSignal(
        "signal", summary: "send signal sig (\"KILL\", \"SIGTERM\" or a number from 1 to 64) to the current process")
    /// bpf_send_signal_thread: the signal goes to the thread that fired the probe only.
    public static let signalThread = sendSignal(
        "signal_thread", summary: "send signal sig (\"KILL\", \"SIGTERM\" or a number from 1 to 64) to the current thread")

    private static func sendSignal(_ name: String, summary: String) -> FunctionDescriptor {
        FunctionDescriptor(
            name: name, signature: "\(name)(sig)", result: "none", summary: summary, category: .unsafe,
            unsafeReason: "kills or stops processes"
        ) { call in
            guard call.arity(1...1) else { return .void }
            call.refuseIfUnsafe()
            let argument = call.arguments[0]
            switch argument.kind {
            case .string(let name):
                let upper = name.uppercased()
                guard let number = Builtins.signalNumbers[upper.hasPrefix("SIG") ? String(upper.dropFirst(3)) : upper]
                else {
                    call.error("unknown signal '\(name)'", argument.range)
                    return .void
                }
                call.setConstant(UInt64(number))
            case .integer(let n):
                guard n >= 1, n <= 64 else {
                    call.error("signal numbers are 1 to 64", argument.range)
                    return .void
                }
                call.setConstant(n)
            default:
                call.error("\(call.name)() takes a signal name such as \"KILL\" or a number", argument.range)
            }
            return .void
        }
    }

    public static let writeUser = FunctionDescriptor(
        name: "write_user", signature: "write_user(ptr dst, src, int len)", result: "bool",
        summary: "write len bytes of src (a string or a pointer) to user address dst (bpf_probe_write_user); true on success",
        category: .unsafe,
        unsafeReason: "writes into the memory of running processes"
    ) { call in
        guard call.arity(3...3) else { return .bool }
        call.refuseIfUnsafe()
        call.integerArgument(0)
        switch call.infer(1) {
        case .string, .buffer: break
        default: call.integerArgument(1)
        }
        call.integerArgument(2)
        return .bool
    }
}
