/// syscall_name(), signal_name(), strerror(): numbers the kernel knows, named by user space.
/// The value stays an integer in maps and events (`SType.named`); the name is looked up
/// when it is shown, as bpftrace does for these asynchronous functions.
extension FunctionDescriptor {
    public static let syscallName = named(
        "syscall_name", "int nr", .syscall, "the name of system call nr (x86-64, as of the table's kernel)")
    public static let signalName = named(
        "signal_name", "int sig", .signal, "the description of signal sig (\"Interrupt\"), N/A when out of range")
    public static let strerror = named("strerror", "int error", .errno, "the text of errno value error")

    private static func named(
        _ name: String, _ parameter: String, _ kind: NamedInteger, _ summary: String
    )
        -> FunctionDescriptor
    {
        FunctionDescriptor(
            name: name, signature: "\(name)(\(parameter))", result: "string", summary: summary, category: .string
        ) { call in
            guard call.arity(1...1) else { return .named(kind) }
            call.integerArgument(0)
            return .named(kind)
        }
    }
}
