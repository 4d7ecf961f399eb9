/// override(), path(): functions of bpftrace's standard library whose BPF helper bpfsh cannot
/// use, refused when checking with the reason instead of "unknown function".
extension FunctionDescriptor {
    /// bpf_override_return() works only in a kprobe of a function marked for error injection
    /// (ALLOW_ERROR_INJECTION), and bpfsh attaches no kprobe on this kernel.
    public static let override = FunctionDescriptor(
        name: "override", signature: "override(uint64 rc)", result: "none",
        summary: "refused: makes a kprobed function return rc (bpf_override_return), but bpfsh has no kprobes",
        category: .unsafe, unsafeReason: "changes what kernel functions return"
    ) { call in
        guard call.arity(1...1) else { return .void }
        call.integerArgument(0)
        if !call.options.allowUnsafe {
            call.refuseIfUnsafe()
            return .void
        }
        if call.target.kind == .kprobe {
            call.error(
                "override() is not supported: its helper bpf_override_return needs a kprobe, and bpfsh attaches none "
                    + "on this kernel", call.range)
        } else {
            call.error("override() can only be used in kprobe probes (bpf_override_return)", call.range)
        }
        return .void
    }

    /// bpf_d_path() is allowed only in fentry/fexit/LSM programs of an allowlisted kernel
    /// function (btf_allowlist_d_path); bpfsh has none of those here.
    public static let path = FunctionDescriptor(
        name: "path", signature: "path(struct path *p [, int32 size])", result: "string",
        summary: "refused: the full path of a struct path needs bpf_d_path, only in fentry/fexit of allowlisted "
            + "kernel functions, which bpfsh cannot attach",
        category: .string
    ) { call in
        guard call.arity(1...2) else { return .string(size: Builtins.defaultStringSize) }
        for index in call.arguments.indices { call.integerArgument(index) }
        call.error(
            "path() is not supported: its helper bpf_d_path is allowed only in fentry/fexit probes of the kernel "
                + "functions of btf_allowlist_d_path, which bpfsh cannot attach on this kernel", call.range)
        return .string(size: Builtins.defaultStringSize)
    }
}
