/// Pass 1b: today's bpftrace spells builtins three ways, `comm`, `comm()` and
/// `__builtin_comm` (its standard library wraps each builtin in a macro of that name). The
/// later passes and code generation see the first only. A call is a builtin only when no
/// function of that name exists (`kstack()` stays the function) and it has no arguments.
/// The other way round, a bare `ppid` is the call `ppid()`.
enum NormalizeBuiltinCalls {
    static let prefix = "__builtin_"
    /// Functions bpftrace's docs/stdlib.md also lists without parentheses (`string pcomm`,
    /// `uint32 ppid`): a bare name is the call without arguments.
    static let bareCalls: Set<String> = ["ppid", "pcomm", "leader_comm", "leader_tid", "has_cpid", "usermode"]

    static func run(_ program: Program, variables: BuiltinVariableTable, functions: FunctionTable) -> Program {
        func builtin(_ name: String) -> String? {
            let bare = name.hasPrefix(prefix) ? String(name.dropFirst(prefix.count)) : name
            return variables[bare] != nil ? bare : nil
        }
        func normalize(_ expr: Expr) -> Expr {
            var rewritten = expr.mapChildren(normalize) { $0.mapExprs(normalize) }
            switch expr.kind {
            case .builtin(let name) where variables[name] == nil && bareCalls.contains(name) && functions[name] != nil:
                rewritten.kind = .call(name: name, args: [])
            case .builtin(let name) where name.hasPrefix(prefix):
                if let bare = builtin(name) {
                    rewritten.kind = .builtin(bare)
                } else if case let bare = String(name.dropFirst(prefix.count)), bareCalls.contains(bare),
                    functions[bare] != nil
                {
                    // `__builtin_usermode`: bpftrace's builtin behind the stdlib's usermode().
                    rewritten.kind = .call(name: bare, args: [])
                }
            case .call(let name, let args) where args.isEmpty && functions[name] == nil:
                if let bare = builtin(name) { rewritten.kind = .builtin(bare) }
            default: break
            }
            return rewritten
        }
        var copy = program
        copy.probes = program.probes.map { probe in
            var p = probe
            p.predicate = probe.predicate.map(normalize)
            p.body = probe.body.map { $0.mapExprs(normalize) }
            return p
        }
        return copy
    }
}
