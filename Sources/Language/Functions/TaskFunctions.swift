/// ppid(), pcomm(): a task's parent, read through the kernel's BTF (`task->real_parent`).
extension FunctionDescriptor {
    public static let ppid = parentField(
        "ppid", member: "tgid", result: .int(bytes: 4, signed: true), resultName: "int",
        summary: "the process id of a task's parent (default: the current task)")
    public static let pcomm = parentField(
        "pcomm", member: "comm", result: .string(size: 16), resultName: "string",
        summary: "the command name of a task's parent (default: the current task)")

    /// `NAME([task])`: `task->real_parent->MEMBER`. The two BTF offsets travel to code
    /// generation packed in the call's constant: real_parent's in the high half.
    private static func parentField(
        _ name: String, member: String, result: SType, resultName: String, summary: String
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
            guard let parent = call.catalogue.member(of: "struct task_struct", named: "real_parent"),
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
