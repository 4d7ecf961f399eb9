/// Calls whose event user space acts on: printf(), cat(), print(), time(), join(), exit().
/// Each records a `RuntimeAction`; the dispatcher does the rest.
extension FunctionDescriptor {
    public static let printf = FunctionDescriptor(
        name: "printf", signature: "printf(string fmt, ...)", result: "none",
        summary: "print formatted text (`%d %i %u %x %X %o %c %s %p %%`, `%gr` for GFP flags by name, flags, width, precision, "
            + "length modifiers); the format is checked at compile time", category: .output
    ) { call in
        formatted(call) { .printf(format: $0) }
    }

    public static let errorf = report("errorf", "ERROR", isError: true)
    public static let warnf = report("warnf", "WARNING", isError: false)

    /// errorf()/warnf(): printf to standard error with the call's place; neither stops the
    /// program (exit() does).
    private static func report(_ name: String, _ level: String, isError: Bool) -> FunctionDescriptor {
        FunctionDescriptor(
            name: name, signature: "\(name)(string fmt, ...)", result: "none",
            summary: "print formatted text to standard error as `FILE:LINE:COL-END: \(level): text`"
                + (isError ? "" : " (not with --no-warnings)"),
            category: .output
        ) { call in
            formatted(call) {
                .report(format: $0, place: call.place(of: call.range), isError: isError, expandedFrom: call.expansionNote)
            }
        }
    }

    public static let cat = FunctionDescriptor(
        name: "cat", signature: "cat(string fmt, ...)", result: "none",
        summary: "print the contents of the file the formatted text names", category: .output
    ) { call in
        formatted(call) { .cat(format: $0) }
    }

    public static let print = FunctionDescriptor(
        name: "print", signature: "print(@m [, int top [, int div]]) or print(value)", result: "none",
        summary: "print a whole map (its top entries, values divided) or one value", category: .output
    ) { call in
        let args = call.arguments
        guard call.arity(1...3) else { return .void }
        // print(@m) prints the whole map, whatever it holds; print(@m[k]) or print(expr)
        // prints one value.
        if case .map(let mapName, let keys) = args[0].kind, keys.isEmpty {
            if call.map(named: mapName) == nil {
                call.requireAssigned(mapName, "@\(mapName) is printed but never assigned", args[0].range)
            }
            for index in args.indices.dropFirst() { _ = call.literalInteger(index) }
            let top = args.count > 1 ? call.literalInteger(1) ?? 0 : 0
            let divisor = args.count > 2 ? call.literalInteger(2) ?? 1 : 1
            call.record(.printMap(name: "@" + mapName, top: Int(clamping: top), divisor: Int(clamping: divisor)))
            return .void
        }
        if args.count > 1 { call.error("print() takes a top count and divisor only for whole maps", args[1].range) }
        let t = call.infer(0)
        if !call.isStorable(t) { call.error("\(t) cannot be printed", args[0].range) }
        call.record(.printValue, types: [t], arguments: [args[0]])
        return .void
    }

    public static let time = FunctionDescriptor(
        name: "time", signature: "time([string fmt])", result: "none",
        summary: "print the wall-clock time (strftime format, default `%H:%M:%S\\n`)", category: .output
    ) { call in
        guard call.arity(0...1) else { return .void }
        var format = "%H:%M:%S\n"
        if call.arguments.count == 1 {
            guard case .string(let f) = call.arguments[0].kind else {
                call.error("time() takes a string literal format", call.arguments[0].range)
                return .void
            }
            format = f
        }
        call.record(.time(format: format))
        return .void
    }

    public static let join = FunctionDescriptor(
        name: "join", signature: "join(argv [, string sep])", result: "none",
        summary: "print up to 16 strings of an argv-style array, separated by sep", category: .output
    ) { call in
        let args = call.arguments
        guard call.arity(1...2) else { return .void }
        call.integerArgument(0)
        var separator = " "
        if args.count == 2 {
            guard case .string(let s) = args[1].kind else {
                call.error("join() separator must be a string literal", args[1].range)
                return .void
            }
            separator = s
        }
        call.record(
            .join(separator: separator),
            types: [.tuple(Array(repeating: .string(size: Builtins.defaultStringSize), count: Builtins.joinArguments))],
            arguments: [args[0]])
        return .void
    }

    public static let exit = FunctionDescriptor(
        name: "exit", signature: "exit([int code])", result: "none", summary: "stop tracing after this event",
        category: .output
    ) { call in
        guard call.arity(0...1) else { return .void }
        if call.arguments.count == 1 { call.integerArgument(0) }
        // An event like printf's, so the session knows which probe asked to exit.
        call.record(.exit)
        return .void
    }

    /// printf-style calls: a literal format, then values that can be stored in an event.
    /// An unsafe one (system) is refused once its format is accepted.
    static func formatted(_ call: CallTyping, action: (String) -> RuntimeAction) -> SType {
        let args = call.arguments
        guard call.arity(1...64), case .string(let format) = args[0].kind else {
            call.error(
                "the first argument of \(call.name)() must be a string literal", args.first?.range ?? call.range)
            return .void
        }
        call.refuseIfUnsafe()
        let types = args.dropFirst().map { call.infer($0) }
        for (a, t) in zip(args.dropFirst(), types) where !call.isStorable(t) {
            call.error("\(t) cannot be formatted", a.range)
        }
        call.record(action(format), types: Array(types), arguments: Array(args.dropFirst()))
        return .void
    }
}
