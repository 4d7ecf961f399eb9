/// percpu_kaddr(): the address of a kernel per-CPU variable on one CPU.
extension FunctionDescriptor {
    public static let percpuKaddr = FunctionDescriptor(
        name: "percpu_kaddr", signature: "percpu_kaddr(string name [, int cpu])", result: "pointer",
        summary: "the address of a per-CPU kernel variable on cpu (this CPU when omitted); 0 past the last CPU",
        category: .symbol
    ) { call in
        guard call.arity(1...2), case .string(let name) = call.arguments[0].kind else {
            if call.arguments.count <= 2 {
                call.error("percpu_kaddr() takes a kernel variable's name as a string literal", call.range)
            }
            return .u64
        }
        if call.arguments.count == 2 { call.integerArgument(1) }
        guard let variable = call.catalogue.percpuVariable(named: name) else {
            call.error(
                "Could not resolve variable \"\(name)\" from BTF", call.arguments[0].range,
                notes: ["percpu_kaddr() finds per-CPU variables in the kernel's BTF"])
            return .u64
        }
        guard variable.isPerCPU else {
            call.error(
                "\"\(name)\" is not a per-CPU variable", call.arguments[0].range,
                notes: ["kaddr(\"\(name)\") gives the address of an ordinary kernel variable"])
            return .u64
        }
        guard let access = PerCPUAccessRule.access(to: name, variable, in: call.catalogue) else {
            call.error(
                "cannot locate per-CPU variables on this kernel", call.arguments[0].range,
                notes: [
                    "its /proc/kallsyms lists no variables (CONFIG_KALLSYMS_ALL), and BTF does not describe "
                        + "the run queue path (task_struct.se.cfs_rq->rq) bpfsh uses instead"
                ])
            return .u64
        }
        call.setPerCPUVariable(access)
        // Typed by the variable, so `*p` reads it whole and `p.field` reads into a struct.
        return .pointer(pointee: variable.typeName)
    }
}

/// Which way a program can reach a per-CPU variable on this kernel.
enum PerCPUAccessRule {
    static func access(to name: String, _ variable: KernelVariable, in catalogue: ProbeCatalogue)
        -> PerCPUVariableAccess?
    {
        // The kernel resolves a BTF-named variable through kallsyms: bpftrace's way works
        // where kallsyms lists it.
        if catalogue.kernelAddress(of: name) != nil { return .btf(id: variable.btfID) }
        guard let runqueues = catalogue.percpuVariable(named: "runqueues"), runqueues.isPerCPU,
            let entity = catalogue.member(of: "struct task_struct", named: "se"),
            let queue = catalogue.member(of: "struct sched_entity", named: "cfs_rq"),
            let owner = catalogue.member(of: "struct cfs_rq", named: "rq")
        else { return nil }
        return .besideRunqueue(
            cfsRqOffset: entity.offset + queue.offset, rqOffset: owner.offset,
            delta: Int64(variable.sectionOffset - runqueues.sectionOffset))
    }
}
