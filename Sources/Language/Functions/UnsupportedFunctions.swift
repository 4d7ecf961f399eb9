/// unwatch(), dw_ustack(): functions of bpftrace's stdlib that need what bpfsh does not
/// have; typed like bpftrace's so the rest of the program is still checked, then refused.
extension FunctionDescriptor {
    public static let unwatch = FunctionDescriptor(
        name: "unwatch", signature: "unwatch(void *addr)", result: "none",
        summary: "remove a watchpoint (not supported by bpfsh)", category: .misc
    ) { call in
        guard call.arity(1...1) else { return .void }
        call.integerArgument(0)
        call.error(
            "unwatch() is not supported by bpfsh: it has no watchpoint probes (hardware breakpoints "
                + "through perf_event_open), so there is no watchpoint to remove", call.range)
        return .void
    }

    public static let dwUstack = FunctionDescriptor(
        name: "dw_ustack", signature: "dw_ustack([mode,] [int n])", result: "ustack",
        summary: "the user stack unwound with DWARF .eh_frame (not supported by bpfsh: use ustack)",
        category: .stack
    ) { call in
        let type = FunctionDescriptor.ustack.check(call)
        call.error(
            "dw_ustack() is not supported by bpfsh: it has no DWARF (.eh_frame) unwinder; use ustack, "
                + "which follows frame pointers (build the program with -fno-omit-frame-pointer)", call.range)
        return type
    }
}
