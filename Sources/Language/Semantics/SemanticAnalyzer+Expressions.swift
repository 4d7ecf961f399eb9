extension SemanticAnalyzer {
    /// Types an expression, records the type by the expression's id and returns it.
    @discardableResult
    mutating func infer(_ expr: Expr) -> SType {
        let t = inferUncached(expr)
        exprTypes[expr.id] = t
        return t
    }

    private mutating func inferUncached(_ expr: Expr) -> SType {
        switch expr.kind {
        case .integer(let v):
            return v > UInt64(Int64.max) ? .u64 : .s64
        case .string(let s):
            return .string(size: s.utf8.count + 1)
        case .positional(let n):
            // As in bpftrace, a parameter that was not given reads as 0 (or "" in str()).
            guard n >= 1, n <= options.positionalParameters.count else { return .s64 }
            let text = options.positionalParameters[n - 1]
            return Int64(text) != nil ? .s64 : .string(size: text.utf8.count + 1)
        case .positionalCount:
            return .s64
        case .variable(let name):
            guard let t = variables[name] else {
                error("$\(name) is used before it is assigned", expr.range)
                return .s64
            }
            return t
        case .builtin(let name):
            return builtinType(name, expr)
        case .map(let name, let keys):
            let keyTypes = keys.map { infer($0) }
            guard let info = maps[name] else {
                requireAssigned(name, "@\(name) is read but never assigned", expr.range)
                return .s64
            }
            if info.keys.count != keyTypes.count {
                error("@\(name) has \(info.keys.count) key part(s), used here with \(keyTypes.count)", expr.range)
            } else {
                for (i, (want, have)) in zip(info.keys, keyTypes).enumerated() where !want.isCompatible(with: have) {
                    error("key part \(i + 1) of @\(name) is \(want), not \(have)", keys[i].range)
                }
            }
            switch info.value {
            case .plain(let t): return t
            case .aggregation(let a, _):
                switch a {
                case .count, .sum, .min, .max: return .s64
                default:
                    error("@\(name) holds \(a)() data, which can only be printed", expr.range)
                    return .s64
                }
            }
        case .call(let name, let args):
            return callType(name, args, expr)
        case .unary(let op, let operand):
            let t = infer(operand)
            if op == "*" {
                if !t.isInteger { error("cannot dereference \(t)", expr.range) }
                return .u64
            }
            if op == "&" {
                error("taking an address is not supported", expr.range)
                return .u64
            }
            if !t.isInteger { error("'\(op)' needs an integer, found \(t)", operand.range) }
            return op == "!" ? .u64 : (op == "-" ? .s64 : t)
        case .binary(let op, let lhs, let rhs):
            let a = infer(lhs), b = infer(rhs)
            if a.isString || b.isString {
                guard op == "==" || op == "!=", a.isString, b.isString else {
                    error("'\(op)' cannot compare \(a) with \(b)", expr.range)
                    return .u64
                }
                return .u64
            }
            if !a.isInteger { error("'\(op)' needs integers, found \(a)", lhs.range) }
            if !b.isInteger { error("'\(op)' needs integers, found \(b)", rhs.range) }
            switch op {
            case "==", "!=", "<", "<=", ">", ">=", "&&", "||": return .u64
            default: return (a.isSigned || b.isSigned) ? .s64 : .u64
            }
        case .ternary(let condition, let then, let otherwise):
            let c = infer(condition)
            if !c.isInteger { error("a condition must be an integer, not \(c)", condition.range) }
            let a = infer(then), b = infer(otherwise)
            if !a.isCompatible(with: b) {
                error("the branches of '?:' have different types: \(a) and \(b)", expr.range)
            }
            return a.widened(with: b)
        case .field(let base, let name, _):
            let baseType = infer(base)
            switch baseType {
            case .context: return contextFieldType(name, expr)
            case .tuple(let elements):
                guard let index = Int(name), index >= 0, index < elements.count else {
                    error("tuple has \(elements.count) elements; '.\(name)' is not one of them", expr.range)
                    return .s64
                }
                return elements[index]
            case .pointer(let pointee):
                return memberType(of: pointee, name, expr)
            default:
                error("'\(name)' is not a field of \(baseType)", expr.range)
                return .s64
            }
        case .index(let base, let index):
            let b = infer(base)
            let i = infer(index)
            if !i.isInteger { error("an index must be an integer", index.range) }
            if !b.isInteger { error("cannot index \(b)", base.range) }
            return .u64
        case .cast(let type, let operand):
            let t = infer(operand)
            let to = resolve(type)
            if !t.isInteger && !to.isString { error("cannot cast \(t) to \(to)", expr.range) }
            return to
        case .tuple(let elements):
            let types = elements.map { infer($0) }
            for (e, t) in zip(elements, types) where !isStorable(t) {
                error("\(t) cannot be part of a tuple", e.range)
            }
            return .tuple(types)
        case .postIncrement(_, let target), .preIncrement(_, let target):
            switch target.kind {
            case .variable(let name):
                if variables[name] == nil {
                    error("$\(name) is used before it is assigned", target.range)
                    return .s64
                }
                let t = infer(target)
                if !t.isInteger { error("'++'/'--' need an integer, found \(t)", target.range) }
                return t
            case .map(let name, let keys):
                let keyTypes = keys.map { infer($0) }
                define(map: name, keys: keyTypes, value: .plain(.s64), range: target.range)
                exprTypes[target.id] = .s64
                return .s64
            default:
                error("'++' and '--' apply to maps and $variables", target.range)
                return .s64
            }
        case .sizeof(let type):
            let resolved = resolve(type)
            constants[expr.id] = UInt64(type.pointerDepth > 0 ? 8 : SemanticAnalyzer.declaredSize(resolved))
            return .u64
        case .block(let statements, let value):
            checkBlock(statements)
            return infer(value)
        }
    }

    private mutating func builtinType(_ name: String, _ expr: Expr) -> SType {
        if Builtins.perProbeStrings.contains(name) {
            return .string(size: probeString(name).utf8.count + 1)
        }
        guard let t = Builtins.variables[name] else {
            if Builtins.functions.contains(name) {
                error("\(name) is a function: call it as \(name)(...)", expr.range)
            } else {
                let known = Array(Builtins.variables.keys) + Array(Builtins.perProbeStrings)
                let close = Suggestions.closest(to: name, in: known)
                error(
                    "unknown identifier '\(name)'", expr.range,
                    notes: close.isEmpty
                        ? ["builtins: " + known.sorted().joined(separator: ", ")]
                        : ["did you mean " + close.joined(separator: ", ") + "?"])
            }
            return .s64
        }
        switch name {
        case "args":
            if context.layout == .none || context.layout == .perfEvent {
                error("'args' is not available in \(target.kind.rawValue) probes", expr.range)
            }
        case _ where name.hasPrefix("arg") || name.hasPrefix("sarg"):
            let index = Int(name.drop { !$0.isNumber }) ?? 0
            switch context.layout {
            case .registers: break
            case .argumentArray:
                if index >= context.fields.count && !context.fields.isEmpty {
                    error(
                        "\(target.name) has \(context.fields.count) arguments; \(name) is not one of them", expr.range)
                }
            default:
                error(
                    "\(name) is only available in kprobe, uprobe and raw tracepoint probes; tracepoints use args.FIELD",
                    expr.range)
            }
        case "retval":
            if !(target.kind == .kretprobe || target.kind == .uretprobe || target.kind == .fexit) {
                error("retval is only available in kretprobe, uretprobe and fexit probes", expr.range)
            }
        case "kstack", "ustack":
            if context.layout == .none {
                error("\(name) is not meaningful in \(target.kind.rawValue) probes", expr.range)
            }
        default: break
        }
        return t
    }

    /// The text of `probe` or `func` for the current attach point.
    func probeString(_ name: String) -> String {
        if name == "probe" { return target.name }
        return target.parts.last ?? target.name
    }

    /// `pointer->member` through BTF: the member's type, recorded for code generation.
    private mutating func memberType(of pointee: String, _ name: String, _ expr: Expr) -> SType {
        if pointee.hasSuffix("*") {
            error("'\(pointee)' is a pointer to a pointer: dereference it first", expr.range)
            return .s64
        }
        guard let member = catalogue.member(of: pointee, named: name) else {
            error("\(pointee) has no member '\(name)' (or its type is not in the kernel's BTF)", expr.range)
            return .s64
        }
        members[expr.id] = member
        return fieldType(member)
    }

    func fieldType(_ field: ContextField) -> SType {
        switch field.kind {
        case .integer(let signed): return .int(bytes: min(8, max(1, field.size)), signed: signed)
        case .charArray(let length): return .string(size: length)
        case .dataLocString: return .string(size: Builtins.defaultStringSize)
        case .pointer(let pointee): return .pointer(pointee: pointee)
        case .record(let name): return .pointer(pointee: name)
        case .opaque: return .u64
        }
    }

    private mutating func contextFieldType(_ name: String, _ expr: Expr) -> SType {
        guard let field = context.fields.first(where: { $0.name == name }) else {
            let known = context.fields.map(\.name).joined(separator: ", ")
            error(
                "\(target.name) has no argument '\(name)'", expr.range,
                notes: known.isEmpty ? [] : ["its arguments: \(known)"])
            return .s64
        }
        return fieldType(field)
    }

    private mutating func callType(_ name: String, _ args: [Expr], _ expr: Expr) -> SType {
        func arity(_ range: ClosedRange<Int>) -> Bool {
            if !range.contains(args.count) {
                let expected =
                    range.lowerBound == range.upperBound
                    ? "\(range.lowerBound)" : "\(range.lowerBound) to \(range.upperBound)"
                error("\(name)() takes \(expected) argument(s), \(args.count) given", expr.range)
                return false
            }
            return true
        }
        func integerArgument(_ index: Int) {
            let t = infer(args[index])
            if !t.isInteger {
                error("argument \(index + 1) of \(name)() must be an integer, not \(t)", args[index].range)
            }
        }
        func literalInteger(_ index: Int) -> Int64? {
            switch args[index].kind {
            case .integer(let v): return Int64(bitPattern: v)
            case .unary("-", let inner):
                if case .integer(let v) = inner.kind, v <= UInt64(1) << 63 { return 0 &- Int64(bitPattern: v) }
            case .positional(let n):
                if n >= 1, n <= options.positionalParameters.count { return Int64(options.positionalParameters[n - 1]) }
            default: break
            }
            error("argument \(index + 1) of \(name)() must be an integer literal", args[index].range)
            return nil
        }

        switch name {
        case "count":
            _ = arity(0...0)
            return .aggregation(.count)
        case "sum", "avg", "min", "max", "stats", "hist":
            guard arity(1...1) else { return .aggregation(.count) }
            integerArgument(0)
            let agg: Aggregation = [
                "sum": .sum, "avg": .avg, "min": .min, "max": .max, "stats": .stats, "hist": .hist,
            ][name]!
            return .aggregation(agg)
        case "lhist":
            guard arity(4...4) else { return .aggregation(.count) }
            integerArgument(0)
            guard let low = literalInteger(1), let high = literalInteger(2), let step = literalInteger(3) else {
                return .aggregation(.count)
            }
            if step <= 0 || high <= low {
                error("lhist() needs min < max and a positive step", expr.range)
                return .aggregation(.lhist(min: 0, max: 1, step: 1))
            }
            let (span, overflow) = high.subtractingReportingOverflow(low)
            if overflow || span / step > 1000 {
                error("lhist() would have more than 1000 buckets", expr.range)
                return .aggregation(.lhist(min: 0, max: 1, step: 1))
            }
            return .aggregation(.lhist(min: low, max: high, step: step))
        case "printf", "cat", "system":
            guard arity(1...64), case .string(let format) = args[0].kind else {
                error("the first argument of \(name)() must be a string literal", args.first?.range ?? expr.range)
                return .void
            }
            if name == "system" && !options.allowUnsafe {
                error("system() runs commands as root: allow it explicitly with --unsafe", expr.range)
            }
            let types = args.dropFirst().map { infer($0) }
            for (a, t) in zip(args.dropFirst(), types) where !isStorable(t) {
                error("\(t) cannot be formatted", a.range)
            }
            let action: RuntimeAction =
                name == "printf"
                ? .printf(format: format) : name == "cat" ? .cat(format: format) : .system(format: format)
            recordFormat(action, types: Array(types), args: Array(args.dropFirst()), expr)
            return .void
        case "time":
            guard arity(0...1) else { return .void }
            var format = "%H:%M:%S\n"
            if args.count == 1 {
                guard case .string(let f) = args[0].kind else {
                    error("time() takes a string literal format", args[0].range)
                    return .void
                }
                format = f
            }
            recordFormat(.time(format: format), types: [], args: [], expr)
            return .void
        case "print":
            guard arity(1...3) else { return .void }
            // print(@m) prints the whole map, whatever it holds; print(@m[k]) or print(expr)
            // prints one value.
            if case .map(let mapName, let keys) = args[0].kind, keys.isEmpty {
                if maps[mapName] == nil {
                    requireAssigned(mapName, "@\(mapName) is printed but never assigned", args[0].range)
                }
                for index in args.indices.dropFirst() { _ = literalInteger(index) }
                let top = args.count > 1 ? literalInteger(1) ?? 0 : 0
                let divisor = args.count > 2 ? literalInteger(2) ?? 1 : 1
                recordFormat(
                    .printMap(name: "@" + mapName, top: Int(clamping: top), divisor: Int(clamping: divisor)),
                    types: [], args: [], expr)
                return .void
            }
            if args.count > 1 { error("print() takes a top count and divisor only for whole maps", args[1].range) }
            let t = infer(args[0])
            if !isStorable(t) { error("\(t) cannot be printed", args[0].range) }
            recordFormat(.printValue, types: [t], args: [args[0]], expr)
            return .void
        case "str":
            guard arity(1...2) else { return .string(size: Builtins.defaultStringSize) }
            if case .positional(let n) = args[0].kind {
                // str($1) is the parameter's text, whether or not it looks like a number.
                _ = infer(args[0])
                let text = n >= 1 && n <= options.positionalParameters.count ? options.positionalParameters[n - 1] : ""
                return .string(size: text.utf8.count + 1)
            }
            let t = infer(args[0])
            var size = Builtins.defaultStringSize
            if args.count == 2 {
                if let n = literalInteger(1) {
                    if n < 1 || n > 200 { error("str() length must be between 1 and 200", args[1].range) }
                    // The length counts the terminating NUL, as in bpftrace.
                    size = Int(max(1, min(200, n)))
                }
            }
            if case .string(let s) = t { return .string(size: min(s, size)) }
            if !t.isInteger { error("str() needs a pointer or a string, not \(t)", args[0].range) }
            return .string(size: size)
        case "ksym", "usym":
            guard arity(1...1) else { return .ksym }
            integerArgument(0)
            return name == "ksym" ? .ksym : .usym
        case "kaddr":
            guard arity(1...1), case .string(let symbol) = args[0].kind else {
                error("kaddr() takes a kernel symbol name as a string literal", expr.range)
                return .u64
            }
            if let address = catalogue.kernelAddress(of: symbol) {
                constants[expr.id] = address
            } else {
                error("kernel symbol '\(symbol)' not found", args[0].range)
            }
            return .u64
        case "ntop":
            guard arity(1...2) else { return .inet }
            for index in args.indices { _ = infer(args[index]) }
            return .inet
        case "strncmp":
            guard arity(3...3) else { return .u64 }
            let a = infer(args[0]), b = infer(args[1])
            if !a.isString || !b.isString { error("strncmp() compares two strings", expr.range) }
            _ = literalInteger(2)
            return .u64
        case "exit":
            guard arity(0...1) else { return .void }
            if args.count == 1 { integerArgument(0) }
            // An event like printf's, so the session knows which probe asked to exit.
            recordFormat(.exit, types: [], args: [], expr)
            return .void
        case "delete":
            guard arity(1...2) else { return .void }
            guard case .map(let mapName, let keys) = args[0].kind else {
                error("delete() takes a map element such as @x[key]", args[0].range)
                return .void
            }
            var keyTypes = keys.map { infer($0) }
            if args.count == 2 {
                if !keys.isEmpty { error("delete(@m, key) takes the map without a key", args[0].range) }
                keyTypes = [infer(args[1])]
                if case .tuple(let parts) = keyTypes[0] { keyTypes = parts }
            }
            guard let info = maps[mapName] else {
                requireAssigned(mapName, "@\(mapName) is deleted from but never assigned", args[0].range)
                return .void
            }
            if case .aggregation(let a, _) = info.value, a.addsBucketKey {
                error(
                    "delete() of one key of a \(a)() map is not supported: its buckets are separate entries; "
                        + "use clear(@\(mapName))",
                    args[0].range)
            }
            if info.keys.count != keyTypes.count {
                error("@\(mapName) has \(info.keys.count) key part(s), \(keyTypes.count) given", args[0].range)
            }
            return .void
        case "clear", "zero":
            guard arity(1...1), case .map(let mapName, let keys) = args[0].kind, keys.isEmpty else {
                error("\(name)() takes a whole map such as @x", expr.range)
                return .void
            }
            if maps[mapName] == nil { requireAssigned(mapName, "@\(mapName) is never assigned", args[0].range) }
            let action: RuntimeAction = name == "clear" ? .clearMap(name: "@" + mapName) : .zeroMap(name: "@" + mapName)
            recordFormat(action, types: [], args: [], expr)
            return .void
        case "join":
            guard arity(1...2) else { return .void }
            integerArgument(0)
            var separator = " "
            if args.count == 2 {
                guard case .string(let s) = args[1].kind else {
                    error("join() separator must be a string literal", args[1].range)
                    return .void
                }
                separator = s
            }
            recordFormat(
                .join(separator: separator),
                types: [
                    .tuple(Array(repeating: .string(size: Builtins.defaultStringSize), count: Builtins.joinArguments))
                ], args: [args[0]], expr)
            return .void
        case "kstack", "ustack":
            guard arity(0...2) else { return .kstack(limit: 127) }
            var limit = 127
            for index in args.indices {
                if case .builtin(let mode) = args[index].kind, mode == "bpftrace" || mode == "perf" || mode == "raw" {
                    continue
                }
                if let n = literalInteger(index) {
                    if n < 1 || n > 127 { error("the stack limit must be between 1 and 127", args[index].range) }
                    limit = Int(max(1, min(127, n)))
                }
            }
            return name == "kstack" ? .kstack(limit: limit) : .ustack(limit: limit)
        case "reg":
            guard arity(1...1), case .string(let register) = args[0].kind, Builtins.registerOffsets[register] != nil
            else {
                error("reg() takes a register name such as \"ip\" or \"sp\"", expr.range)
                return .u64
            }
            if !(context.layout == .registers || context.layout == .perfEvent) {
                error("reg() needs a kprobe, uprobe or profile probe", expr.range)
            }
            return .u64
        case "signal":
            guard arity(1...1) else { return .void }
            if !options.allowUnsafe {
                error("signal() kills or stops processes: allow it explicitly with --unsafe", expr.range)
            }
            switch args[0].kind {
            case .string(let name):
                guard
                    let number = Builtins.signalNumbers[
                        name.uppercased().hasPrefix("SIG") ? String(name.uppercased().dropFirst(3)) : name.uppercased()]
                else {
                    error("unknown signal '\(name)'", args[0].range)
                    return .void
                }
                constants[expr.id] = UInt64(number)
            case .integer(let n):
                guard n >= 1, n <= 64 else {
                    error("signal numbers are 1 to 64", args[0].range)
                    return .void
                }
                constants[expr.id] = n
            default:
                error("signal() takes a signal name such as \"KILL\" or a number", args[0].range)
            }
            return .void
        case "uptr", "kptr":
            guard arity(1...1) else { return .u64 }
            return infer(args[0])
        case "sizeof":
            guard arity(1...1) else { return .u64 }
            constants[expr.id] = UInt64(SemanticAnalyzer.declaredSize(infer(args[0])))
            return .u64
        default:
            let close = Suggestions.closest(to: name, in: Builtins.functions)
            error(
                "unknown function \(name)()", expr.range,
                notes: close.isEmpty
                    ? ["functions: " + Builtins.functions.joined(separator: ", ")]
                    : ["did you mean " + close.map { $0 + "()" }.joined(separator: ", ") + "?"])
            for a in args { _ = infer(a) }
            return .s64
        }
    }

    private mutating func recordFormat(
        _ action: RuntimeAction, types: [SType], args: [Expr], _ expr: Expr
    ) {
        if let id = formatIDs[expr.id] {
            formats[id - options.formatIDBase].argumentTypes = types
            return
        }
        let id = options.formatIDBase + formats.count
        formats.append(
            FormatCall(
                id: id, action: action, argumentTypes: types, range: expr.range,
                argumentRanges: args.map(\.range)))
        formatIDs[expr.id] = id
    }
}
