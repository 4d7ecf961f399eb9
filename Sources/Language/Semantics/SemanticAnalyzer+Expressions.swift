extension SemanticAnalyzer {
    /// Types an expression, records the type by the expression's id and returns it.
    @discardableResult
    mutating func infer(_ expr: Expr) -> SType {
        let t = inferUncached(expr)
        exprTypes[expr.id] = t
        if options.reportsProbeReadErrors && readsMemory(expr) {
            let rendered = Diagnostic("", at: expr.range, severity: .warning).renderedAsBpftrace(in: source)
            let excerpt = rendered.drop { $0 != "\n" }.dropFirst()
            // The return code and the helper's number.
            recordFormat(
                .probeReadError(place: place(of: expr.range), excerpt: String(excerpt)), types: [.s64, .u64],
                args: [], expr)
        }
        return t
    }

    /// Whether lowering `expr` reads memory through a pointer with a probe-read helper.
    private func readsMemory(_ expr: Expr) -> Bool {
        switch expr.kind {
        case .unary("*", _): return true
        case .field: return members[expr.id] != nil
        case .index(let base, _): return exprTypes[base.id]?.isPointer ?? false || isResidentArray(base)
        case .call("str", let args): return args.first.map { exprTypes[$0.id]?.isInteger ?? false } ?? false
        default: return false
        }
    }

    /// The format id key of the run-time bounds check of `array[i]` (expression `id`).
    public static func boundsCheckID(of id: Int) -> Int { -(id + 1) }

    /// An array still in probed memory (a struct member, or an array element of one), whose
    /// elements are read where they lie.
    private func isResidentArray(_ expr: Expr) -> Bool {
        switch expr.kind {
        case .field:
            if let member = members[expr.id], case .array = member.kind { return true }
            return false
        case .index(let base, _): return (exprTypes[base.id]?.isArray ?? false) && isResidentArray(base)
        default: return false
        }
    }

    private mutating func inferUncached(_ expr: Expr) -> SType {
        switch expr.kind {
        case .integer(let v):
            return SType.literal(v)
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
                if declaredUntyped.contains(name) { return .s64 }
                error("$\(name) is used before it is assigned", expr.range)
                return .s64
            }
            return t
        case .builtin(let name):
            return builtinType(name, expr)
        case .map(let name, let keys):
            let keyTypes = SemanticAnalyzer.keyParts(keys.map { infer($0) })
            guard let info = maps[name] else {
                requireAssigned(name, "@\(name) is read but never assigned", expr.range)
                return .s64
            }
            // `@m[$t]` with a tuple for a map of several key parts, or `@m[a, b]` for a map
            // keyed by one tuple: the same key to bpftrace.
            var uses = keyTypes
            if keyTypes.count == 1, info.keys.count > 1, case .tuple(let parts) = keyTypes[0] { uses = parts }
            if let wanted = info.keyParts(forUseWith: uses.count), uses.count == keys.count {
                for (i, (want, have)) in zip(wanted, uses).enumerated() where !want.isCompatible(with: have) {
                    error("key part \(i + 1) of @\(name) is \(want), not \(have)", keys[i].range)
                }
            } else if let wanted = info.keyParts(forUseWith: uses.count) {
                for (want, have) in zip(wanted, uses) where !want.isCompatible(with: have) {
                    error("the key of @\(name) is \(SType.tuple(wanted)), not \(SType.tuple(uses))", expr.range)
                    break
                }
            } else {
                error("@\(name) has \(info.keys.count) key part(s), used here with \(keyTypes.count)", expr.range)
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
            let forMember = memberBases.contains(expr.id)
            let t = infer(operand)
            if op == "*" {
                if !t.isInteger { error("cannot dereference \(t)", expr.range) }
                if case .pointer(let pointee) = t, pointee.hasSuffix("*") {
                    return .pointer(pointee: String(pointee.dropLast(2)))
                }
                if let integer = t.pointeeInteger { return .int(bytes: integer.bytes, signed: integer.signed) }
                // `*p` of a struct is the struct whole (its members still read through `p`
                // when only they are used); a type nothing describes stays its address.
                if case .pointer(let pointee) = t, isRecordName(pointee) {
                    return dereferencedStructure(pointee, expr, forMember: forMember) ?? t
                }
                // `*&$x`: the variable's own type, whatever it is.
                if case .pointer(let pointee) = t, let pointed = addressedTypes[pointee] { return pointed }
                return .u64
            }
            if op == "&" {
                // The address of a scratch variable's slot on the BPF stack, as bpftrace allows.
                guard case .variable = operand.kind else {
                    error("only the address of a $variable can be taken", expr.range)
                    return .u64
                }
                if case .int(let bytes, let signed) = t {
                    return .pointer(pointee: "\(signed ? "int" : "uint")\(bytes * 8)")
                }
                addressedTypes[t.description] = t
                return .pointer(pointee: t.description)
            }
            if !t.isInteger { error("'\(op)' needs an integer, found \(t)", operand.range) }
            if op == "-", case .integer(let v) = operand.kind { return SType.negativeLiteral(v) }
            return op == "!" ? .bool : (op == "-" ? .s64 : t)
        case .binary(let op, let lhs, let rhs):
            let a = infer(lhs), b = infer(rhs)
            // Comparisons and logic are bool, as in bpftrace: printed `true`/`false`.
            if case .buffer = a, case .buffer = b, op == "==" || op == "!=" { return .bool }
            if a.isArray || b.isArray {
                // Arrays compare whole, element by element, as bpftrace allows; with pton()'s
                // value too (an integer for IPv4, 16 bytes for IPv6: `args.daddr == pton(...)`).
                let other = a.isArray ? b : a, array = a.isArray ? a : b
                let matches =
                    a == b || (other.isInteger && array.packedSize <= 8)
                    || (other == .buffer(size: 16) && array.packedSize == 16)
                guard op == "==" || op == "!=", matches else {
                    error("'\(op)' cannot compare \(a) with \(b)", expr.range)
                    return .bool
                }
                return .bool
            }
            if a.isString || b.isString {
                guard op == "==" || op == "!=", a.isString, b.isString else {
                    error("'\(op)' cannot compare \(a) with \(b)", expr.range)
                    return .bool
                }
                return .bool
            }
            if !a.isInteger { error("'\(op)' needs integers, found \(a)", lhs.range) }
            if !b.isInteger { error("'\(op)' needs integers, found \(b)", rhs.range) }
            if op == "/" || op == "%", !rhs.isNonZeroLiteral {
                // The divisor is checked when the probe runs: bpftrace's 1 instead of the
                // kernel's 0, and a warning for user space to print.
                recordFormat(.divideByZero(place: place(of: expr.range)), types: [], args: [], expr)
            }
            switch op {
            case "==", "!=", "<", "<=", ">", ">=", "&&", "||": return .bool
            // Pointer arithmetic as in C: the pointer moves by whole pointees.
            case "+" where a.isPointer && !b.isPointer, "-" where a.isPointer && !b.isPointer: return a
            case "+" where b.isPointer && !a.isPointer: return b
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
            if Self.isConfigRecord(base) { return configField(name, expr) }
            memberBases.insert(base.id)
            let baseType = infer(base)
            if case .builtin("args") = base.kind, context.layout != .none {
                // `args.x` reads one field where it lies; `args` alone is a record of them all.
                exprTypes[base.id] = .context
                return contextFieldType(name, expr)
            }
            switch baseType {
            case .context: return contextFieldType(name, expr)
            case .structure(let type):
                return structureFieldType(type, name, expr)
            case .record(let names, let types):
                guard let index = names.firstIndex(of: name) else {
                    error("the record has no field '\(name)' (its fields: \(names.joined(separator: ", ")))", expr.range)
                    return .s64
                }
                return types[index]
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
            if case .tuple(let elements) = b {
                // `$t[0]`: a tuple's element, whose index must be known when compiling.
                guard let position = index.constantIndex else {
                    error("a tuple's index must be an integer constant, such as $t[0]", index.range)
                    return .s64
                }
                guard position < elements.count else {
                    error("tuple has \(elements.count) elements; [\(position)] is not one of them", expr.range)
                    return .s64
                }
                return elements[position]
            }
            let i = infer(index)
            if !i.isInteger { error("an index must be an integer", index.range) }
            if case .array(let element, let count) = b {
                // A length of 0 is C's flexible array member (`int y[0]`): no bound to check.
                if let position = index.constantIndex, count > 0, position >= count {
                    error("the index \(position) is out of bounds for array of size \(count)", index.range)
                } else if index.constantIndex == nil, count > 0 {
                    // Checked when the probe runs; keyed apart from the expression's own format
                    // (a `-k` read error of the same element).
                    var check = expr
                    check.id = Self.boundsCheckID(of: expr.id)
                    recordFormat(.arrayOutOfBounds(place: place(of: expr.range)), types: [], args: [], check)
                }
                return element
            }
            // `$s[i]`: one character of a string (0 past its buffer), as bpftrace reads it.
            if b.isString { return .int(bytes: 1, signed: true) }
            if !b.isInteger { error("cannot index \(b)", base.range) }
            if case .pointer(let pointee) = b, pointee.hasPrefix("struct ") || pointee.hasPrefix("union "),
                !pointee.hasSuffix("*")
            {
                // `$p[1]`, `$s->rlim[7]`: the element's address, as a struct member is known by
                // its address; it moves by whole structs.
                if records[pointee] == nil {
                    guard let size = catalogue.recordSize(of: pointee) else {
                        error("cannot index a pointer to \(pointee): its size is not known", base.range)
                        return b
                    }
                    indexedKernelStructs[pointee] = size
                }
                // The element is a struct value, as in bpftrace (`print($p[1])`); `$p[1].b`
                // still reads `b` alone.
                guard let element = structureType(named: pointee) else { return b }
                if !memberBases.contains(expr.id) { requireHoldable(element, expr) }
                return .structure(element)
            }
            if let integer = b.pointeeInteger { return .int(bytes: integer.bytes, signed: integer.signed) }
            return .u64
        case .cast(let type, let operand):
            let t = infer(operand)
            let to = resolve(type)
            if case .array(let element, let count) = to { return arrayCast(from: t, to: element, count: count, expr) }
            if t.isArray {
                // `(uint32)pton(...)`-style: the array's bytes as one integer of the same size.
                guard case .int(let bytes, _) = to, bytes == t.packedSize else {
                    error("cannot cast \(t) to \(to): an array becomes an integer of its own size", expr.range)
                    return to
                }
                return to
            }
            if !t.isInteger && !to.isString { error("cannot cast \(t) to \(to)", expr.range) }
            return to
        case .tuple(let elements):
            let types = elements.map { infer($0) }
            for (e, t) in zip(elements, types) where !isStorable(t) {
                error("\(t) cannot be part of a tuple", e.range)
            }
            return .tuple(types)
        case .record(let names, let values):
            let types = values.map { infer($0) }
            for (e, t) in zip(values, types) where !isStorable(t) {
                error("\(t) cannot be part of a record", e.range)
            }
            return .record(names: names, types: types)
        case .postIncrement(_, let target), .preIncrement(_, let target):
            switch target.kind {
            case .variable(let name):
                if variables[name] == nil {
                    error("$\(name) is used before it is assigned", target.range)
                    return .s64
                }
                let t = infer(target)
                if !t.isInteger { error("'++'/'--' need an integer, found \(t)", target.range) }
                // A counter that started as a small literal (`$i = 0; $i++`) counts in 64 bits.
                if case .int(let bytes, true) = t, bytes < 8 {
                    declare(variable: name, type: .s64, range: target.range)
                    exprTypes[target.id] = .s64
                    return .s64
                }
                return t
            case .map(let name, let keys):
                let keyTypes = keys.map { infer($0) }
                define(map: name, keys: keyTypes, value: .plain(.s64), range: target.range)
                // A pointer held in the map stays one (and moves by its pointee's size).
                if case .plain(let held) = maps[name]?.value, held.isPointer {
                    exprTypes[target.id] = held
                    return held
                }
                exprTypes[target.id] = .s64
                return .s64
            default:
                error("'++' and '--' apply to maps and $variables", target.range)
                return .s64
            }
        case .sizeof(let type):
            let count = type.arrayLength ?? 1
            if type.pointerDepth == 0, type.typeOfExpression == nil,
                let record = records[typedefs[type.name]?.typeName ?? type.name]
            {
                constants[expr.id] = UInt64(record.size * count)
                return .u64
            }
            if type.pointerDepth == 0, type.typeOfExpression == nil, type.name.hasPrefix("struct ") || type.name.hasPrefix("union "),
                let size = catalogue.recordSize(of: type.name)
            {
                constants[expr.id] = UInt64(size * count)
                return .u64
            }
            let resolved = resolve(type)
            if resolved.isArray || (resolved.isString && type.arrayLength != nil) {
                constants[expr.id] = UInt64(SemanticAnalyzer.declaredSize(resolved))
                return .u64
            }
            constants[expr.id] = UInt64((type.pointerDepth > 0 ? 8 : SemanticAnalyzer.declaredSize(resolved)) * count)
            return .u64
        case .typeOf:
            error(
                "typeof(...) is a type, not a value: use it in a cast, a declaration, sizeof() or as a macro's "
                    + "argument", expr.range)
            return .s64
        case .offsetof(let type, let path):
            if let offset = offset(of: path, in: type) { constants[expr.id] = UInt64(offset) }
            return .u64
        case .block(let statements, let value):
            checkBlock(statements)
            return infer(value)
        }
    }

    /// `(int8[N])x` and `(int8[])x`: a string's bytes (its NUL included) or an integer's, as an
    /// array; without a length the operand's size decides it.
    private mutating func arrayCast(from t: SType, to element: SType, count: Int, _ expr: Expr) -> SType {
        let available: Int
        switch t {
        case .string(let size): available = size
        case .array: available = t.packedSize
        // Computed integers are 64 bits wide, literals included (`(int8[8])12345`).
        case .int(let bytes, _) where !isLiteral(expr): available = bytes
        default:
            guard t.isInteger else {
                error("cannot cast \(t) to an array", expr.range)
                return .array(element: element, count: max(1, count))
            }
            available = 8
        }
        let stride = element.packedSize
        if count == 0 {
            guard available % stride == 0 else {
                error("cannot cast \(t) to \(element)[]: \(available) bytes are not whole elements", expr.range)
                return .array(element: element, count: 1)
            }
            return .array(element: element, count: available / stride)
        }
        // An integer and the array must be the same size, as bpftrace requires.
        if !t.isString, !t.isArray, count * stride != available {
            error("cannot cast \(t) to \(element)[\(count)]: it holds \(available) bytes", expr.range)
        }
        return .array(element: element, count: count)
    }

    private func isLiteral(_ cast: Expr) -> Bool {
        guard case .cast(_, let operand) = cast.kind else { return false }
        if case .integer = operand.kind { return true }
        if case .unary("-", let inner) = operand.kind, case .integer = inner.kind { return true }
        return false
    }

    /// `offsetof(T, a.b)`: the offset of `a`, plus that of `b` within `a`'s struct, from the
    /// program's own records or the kernel's BTF.
    mutating func offset(of path: [String], in type: TypeSyntax) -> Int? {
        var typeName = typedefs[type.name]?.typeName ?? type.name
        if type.typeOfExpression != nil {
            let resolved = resolve(type)
            guard case .pointer(let pointee) = resolved else {
                error("offsetof() needs a struct, not \(resolved)", type.range)
                return nil
            }
            typeName = pointee
        }
        var total = 0
        for (i, field) in path.enumerated() {
            guard let member = records[typeName]?.member(named: field) ?? catalogue.member(of: typeName, named: field)
            else {
                error("'\(typeName)' has no field '\(field)'", type.range)
                return nil
            }
            total += member.offset
            if i < path.count - 1 {
                guard case .record(let inner) = member.kind else {
                    error("'\(field)' of \(typeName) is not a struct: offsetof() cannot go into it", type.range)
                    return nil
                }
                typeName = inner
            }
        }
        return total
    }

    private mutating func builtinType(_ name: String, _ expr: Expr) -> SType {
        guard let variable = options.variables[name] else {
            if let member = enumMembers[name] {
                constants[expr.id] = UInt64(bitPattern: member.value)
                return .enumeration(member.type)
            }
            if let value = KnownConstants[name]?.value ?? catalogue.enumValue(named: name) {
                // A named constant is an integer literal to code generation.
                constants[expr.id] = UInt64(bitPattern: value)
                return .s64
            }
            if options.functions[name] != nil {
                error("\(name) is a function: call it as \(name)(...)", expr.range)
            } else {
                let known = options.variables.names
                let close = Suggestions.closest(to: name, in: known)
                error(
                    "unknown identifier '\(name)'", expr.range,
                    notes: close.isEmpty
                        ? ["builtins: " + known.joined(separator: ", ")]
                        : ["did you mean " + close.joined(separator: ", ") + "?"])
            }
            return .s64
        }
        if let refusal = variable.probes?.refusal(name, site) { error(refusal, expr.range) }
        if name == "args", let record = argumentsRecord() { return record }
        if name == "func", target.kind == .kprobe || target.kind == .kretprobe {
            // In a kprobe or kretprobe `func` is a ksym, as in bpftrace (so a map may hold
            // `func` and `ksym(addr)` alike): the probed function's address, known here since
            // each attach point is a program of its own; without kallsyms, the kernel's
            // bpf_get_func_ip gives it.
            let function = BuiltinVariable.probeString("func", target)
            if let address = catalogue.kernelAddress(of: function) { constants[expr.id] = address }
            return .ksym
        }
        // The bare `kstack`/`ustack` print in the program's stack_mode.
        switch variable.type(target) {
        case .kstack(let limit, _): return .kstack(limit: limit, mode: config.stackMode)
        case .ustack(let limit, _): return .ustack(limit: limit, mode: config.stackMode)
        case let type: return type
        }
    }

    /// `pointer->member` through BTF: the member's type, recorded for code generation.
    private mutating func memberType(of pointee: String, _ name: String, _ expr: Expr) -> SType {
        if pointee.hasSuffix("*") {
            error("'\(pointee)' is a pointer to a pointer: dereference it first", expr.range)
            return .s64
        }
        if let record = records[pointee] {
            guard let member = record.member(named: name) else {
                error("\(pointee) has no member '\(name)'", expr.range)
                return .s64
            }
            members[expr.id] = member
            return memberValueType(member, expr)
        }
        guard let member = catalogue.member(of: pointee, named: name) else {
            error("\(pointee) has no member '\(name)' (or its type is not in the kernel's BTF)", expr.range)
            return .s64
        }
        members[expr.id] = member
        return memberValueType(member, expr)
    }

    func fieldType(_ field: ContextField) -> SType {
        switch field.kind {
        case .integer(let signed):
            if field.isBool, field.bitfield == nil { return .bool }
            return .int(bytes: min(8, max(1, field.size)), signed: signed)
        case .charArray(let length): return .string(size: length)
        case .dataLocString: return .string(size: Builtins.defaultStringSize)
        case .pointer(let pointee): return .pointer(pointee: pointee)
        case .record(let name): return .pointer(pointee: name)
        case .opaque: return .u64
        case .array(let type): return type
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

    /// Types a call by its row in `options.functions`. The row's rule sees the analyzer
    /// through a `CallTyping` facade for the duration of the call; when it reports nothing,
    /// the row's unsafe flag and probe requirement are applied here.
    private mutating func callType(_ name: String, _ args: [Expr], _ expr: Expr) -> SType {
        guard let function = options.functions[name] else {
            let names = options.functions.names
            let close = Suggestions.closest(to: name, in: names)
            error(
                "unknown function \(name)()", expr.range,
                notes: close.isEmpty
                    ? ["functions: " + names.joined(separator: ", ")]
                    : ["did you mean " + close.map { $0 + "()" }.joined(separator: ", ") + "?"])
            for a in args { _ = infer(a) }
            return .s64
        }
        let reported = diagnostics.count
        return withUnsafeMutablePointer(to: &self) { analyzer in
            let call = CallTyping(analyzer: analyzer, function: function, arguments: args, expression: expr)
            let type = function.check(call)
            if analyzer.pointee.diagnostics.count == reported { call.refuseIfUnsafe() }
            if analyzer.pointee.diagnostics.count == reported { call.refuseIfProbeNotAllowed() }
            return type
        }
    }

    mutating func recordFormat(
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
