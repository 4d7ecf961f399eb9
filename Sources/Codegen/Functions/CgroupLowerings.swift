import Language

extension FunctionLowering {
    static let cgroups = [
        // The id travels as it is; user space finds its path (`SType.named(.cgroupPath)`).
        FunctionLowering(name: "cgroup_path") { call in .scalar(call.scalar(0)) },
        FunctionLowering(name: "cgroupid") { call in .scalar(call.const64(call.constant ?? 0)) },
    ]
}
