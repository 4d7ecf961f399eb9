import CLLVM
import Language

extension FunctionLowering {
    /// Calls that send an event for user space to act on (printf, print, time, join, exit...).
    static let output =
        ["printf", "cat", "time", "print", "errorf", "warnf"].map { FunctionLowering(name: $0, lower: event) } + [
            FunctionLowering(name: "join") { call in
                guard let id = call.formatID else { return .none }
                call.lowering.emitJoin(kind: UInt64(id), array: call.arguments[0])
                return .none
            },
            FunctionLowering(name: "exit") { call in
                guard let id = call.formatID else { return .none }
                let code = call.arguments.isEmpty ? call.const64(0) : call.scalar(0)
                call.lowering.emitEvent(kind: UInt64(id), scalars: [code])
                // As in bpftrace, the probe stops at exit(): what follows it does not run.
                call.lowering.returnFromProbe()
                return .none
            },
        ]

    /// One event carrying the values the checker recorded for the call's runtime action:
    /// printf's arguments after the format, print's value, nothing for time and whole maps.
    @Sendable static func event(_ call: CallLowering) -> Lowered {
        let lowering = call.lowering
        guard let id = call.formatID, let format = lowering.program.format(id: id) else { return .none }
        let args = call.arguments
        let values =
            format.kind == .print && format.argumentTypes.isEmpty
            ? [] : (format.kind == .time ? [] : args.dropFirst(format.kind == .print ? 0 : 1).map { $0 })
        lowering.emitEvent(
            kind: UInt64(id), values: values.map { ($0, lowering.type(of: $0)) }, declared: format.argumentTypes)
        return .none
    }
}
