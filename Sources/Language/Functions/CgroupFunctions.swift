/// cgroup_path(): a cgroup id, named by user space when shown, as bpftrace does.
extension FunctionDescriptor {
    public static let cgroupPath = FunctionDescriptor(
        name: "cgroup_path", signature: "cgroup_path(int id)", result: "string",
        summary: "the cgroup's path in each hierarchy under /sys/fs/cgroup holding id (`unified:/a/b`), "
            + "found when shown", category: .misc
    ) { call in
        let kind = SType.named(.cgroupPath)
        guard call.arity(1...2) else { return kind }
        call.integerArgument(0)
        if call.arguments.count == 2 {
            call.error(
                "cgroup_path()'s hierarchy filter is not supported by bpfsh: it looks in every hierarchy",
                call.arguments[1].range)
        }
        return kind
    }
}
