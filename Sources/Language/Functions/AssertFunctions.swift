/// assert(): a condition that must hold, or the run ends.
extension FunctionDescriptor {
    public static let assert = FunctionDescriptor(
        name: "assert", signature: "assert(cond, string msg)", result: "none",
        summary: "when cond is false: print `FILE:LINE:COL-END: ERROR: assert failed: msg` and end the run "
            + "with status 1", category: .output
    ) { call in
        let args = call.arguments
        guard call.arity(2...2) else { return .void }
        call.integerArgument(0)
        guard case .string(let message) = args[1].kind else {
            call.error("assert() takes a string literal message", args[1].range)
            return .void
        }
        // bpftrace's assert is a macro of its standard library whose errorf sits at
        // stdlib/base.bt:6:5-37; its message names that place, then the call it was expanded from.
        call.record(
            .assertFailed(
                message: message, place: "stdlib/base.bt:6:5-37", expandedFrom: call.expansionNote(at: call.range)))
        return .void
    }
}
