import Foundation

/// cgroup_path(): a cgroup id, named by user space when shown, as bpftrace does.
/// cgroupid(): the id of a cgroup directory, found when the program is compiled.
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

    /// A cgroup's id is its directory's inode number in cgroupfs (kernfs numbers its nodes
    /// with the id the `cgroup` builtin reads); bpftrace reads the same number from a file handle.
    public static let cgroupid = FunctionDescriptor(
        name: "cgroupid", signature: "cgroupid(string path)", result: "uint64",
        summary: "the id of the cgroup at path (`/sys/fs/cgroup/system.slice`), found at compile time",
        category: .misc
    ) { call in
        guard call.arity(1...1) else { return .u64 }
        guard case .string(let path) = call.arguments[0].kind else {
            call.infer(0)
            call.error("cgroupid() takes a string literal path", call.arguments[0].range)
            return .u64
        }
        var status = stat()
        guard stat(path, &status) == 0 else {
            let reason = String(cString: Foundation.strerror(errno))
            call.error("Failed to get `cgroupid` for path: \"\(path)\": \(reason)", call.arguments[0].range)
            return .u64
        }
        call.setConstant(UInt64(status.st_ino))
        return .u64
    }
}
