/// Pass 1b: today's bpftrace spells builtins three ways, `comm`, `comm()` and
/// `__builtin_comm` (its standard library wraps each builtin in a macro of that name). The
/// later passes and code generation see the first only. A call is a builtin only when no
/// function of that name exists (`kstack()` stays the function) and it has no arguments.
enum NormalizeBuiltinCalls {
    static let prefix = "__builtin_"

    static func run(_ program: Program, variables: BuiltinVariableTable, functions: FunctionTable) -> Program {
        func builtin(_ name: String) -> String? {
            let bare = name.hasPrefix(prefix) ? String(name.dropFirst(prefix.count)) : name
            return variables[bare] != nil ? bare : nil
        }
        func normalize(_ expr: Expr) -> Expr {
            var rewritten = expr.mapChildren(normalize) { $0.mapExprs(normalize) }
            switch expr.kind {
            case .builtin(let name) where name.hasPrefix(prefix):
                if let bare = builtin(name) { rewritten.kind = .builtin(bare) }
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
