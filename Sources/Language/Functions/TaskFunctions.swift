/// ppid(), pcomm(): a task's parent, read through the kernel's BTF (`task->real_parent`);
/// leader_tid(), leader_comm(): its thread group's leader (`task->group_leader`), which
/// for a thread is the process's main thread, not its parent.
extension FunctionDescriptor {
    public static let ppid = parentField(
        "ppid", member: "tgid", result: .int(bytes: 4, signed: true), resultName: "int",
        summary: "the process id of a task's parent (default: the current task)")
    public static let pcomm = parentField(
        "pcomm", member: "comm", result: .string(size: 16), resultName: "string",
        summary: "the command name of a task's parent (default: the current task)")
    public static let leaderTid = parentField(
        "leader_tid", link: "group_leader", member: "pid", result: .int(bytes: 4, signed: true), resultName: "int",
        summary: "the thread id of a task's thread group leader (default: the current task)")
    public static let leaderComm = parentField(
        "leader_comm", link: "group_leader", member: "comm", result: .string(size: 16), resultName: "string",
        summary: "the thread name of a task's thread group leader (default: the current task)")

    /// `NAME([task])`: `task->LINK->MEMBER`. The two BTF offsets travel to code
    /// generation packed in the call's constant: LINK's in the high half.
    private static func parentField(
        _ name: String, link: String = "real_parent", member: String, result: SType, resultName: String, summary: String
    ) -> FunctionDescriptor {
        FunctionDescriptor(
            name: name, signature: "\(name)([struct task_struct *task])", result: resultName, summary: summary,
            category: .misc
        ) { call in
            guard call.arity(0...1) else { return result }
            if call.arguments.count == 1 {
                let task = call.infer(0)
                guard case .pointer(let pointee) = task, pointee == "struct task_struct" else {
                    call.error("\(name)() takes a struct task_struct * such as curtask, not \(task)", call.arguments[0].range)
                    return result
                }
            }
            guard let parent = call.catalogue.member(of: "struct task_struct", named: link),
                let field = call.catalogue.member(of: "struct task_struct", named: member)
            else {
                call.error("\(name)() needs struct task_struct from the kernel's BTF", call.range)
                return result
            }
            call.setConstant(UInt64(parent.offset) << 32 | UInt64(field.offset))
            return result
        }
    }
}
