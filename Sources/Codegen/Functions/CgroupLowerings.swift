import Language

extension FunctionLowering {
    /// The id travels as it is; user space finds its path (`SType.named(.cgroupPath)`).
    static let cgroups = [FunctionLowering(name: "cgroup_path") { call in .scalar(call.scalar(0)) }]
}
