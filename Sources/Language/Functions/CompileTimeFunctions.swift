/// fail(), static_assert(): errors of the compilation itself, raised where they are visited
/// (not inside an `if` whose condition is known false when compiling).
extension FunctionDescriptor {
    public static let fail = FunctionDescriptor(
        name: "fail", signature: "fail(string fmt, args...)", result: "none",
        summary: "a compile error with fmt formatted from literal args, unless in a branch ruled out when compiling",
        category: .misc
    ) { call in
        guard call.arity(1...Int.max) else { return .void }
        guard case .string(let format) = call.arguments[0].kind else {
            call.error("fail() takes a string literal format", call.arguments[0].range)
            return .void
        }
        var values: [CompileTimeValue] = []
        for index in call.arguments.indices.dropFirst() {
            call.infer(index)
            if case .string(let text) = call.arguments[index].kind {
                values.append(.text(text))
            } else if let value = call.constantValue(index) {
                values.append(.integer(value))
            } else {
                call.error("fail() arguments must be literals", call.arguments[index].range)
                return .void
            }
        }
        if !call.isInDeadBranch { call.error(CompileTimeValue.format(format, values), call.range) }
        return .void
    }

    public static let staticAssert = FunctionDescriptor(
        name: "static_assert", signature: "static_assert(bool cond, string msg)", result: "none",
        summary: "a compile error with msg when cond, known when compiling, is false", category: .misc
    ) { call in
        guard call.arity(2...2) else { return .void }
        call.infer(0)
        guard case .string(let message) = call.arguments[1].kind else {
            call.error("static_assert() takes a string literal message", call.arguments[1].range)
            return .void
        }
        guard let holds = call.constantValue(0) else {
            call.error("static_assert() needs a condition known when compiling", call.arguments[0].range)
            return .void
        }
        if holds == 0, !call.isInDeadBranch { call.error(message, call.range) }
        return .void
    }
}

/// A literal argument of fail(), formatted as printf would.
enum CompileTimeValue {
    case integer(Int64)
    case text(String)

    /// printf's conversions over literals: `%d %i %u %x %X %s %c %%`, with flags, width and
    /// length modifiers read and dropped but for `-` and `0` padding.
    static func format(_ format: String, _ values: [CompileTimeValue]) -> String {
        var out = "", next = 0
        var chars = Array(format)[...]
        while let c = chars.popFirst() {
            guard c == "%" else {
                out.append(c)
                continue
            }
            var spec = ""
            while let s = chars.first, "-+ #0123456789.lhjzt".contains(s) {
                spec.append(s)
                chars.removeFirst()
            }
            guard let conversion = chars.popFirst() else { break }
            if conversion == "%" {
                out.append("%")
                continue
            }
            let value = next < values.count ? values[next] : nil
            next += 1
            var text: String
            switch (conversion, value) {
            case ("s", .text(let t)): text = t
            case ("s", .integer(let v)): text = String(v)
            case ("x", .integer(let v)): text = String(UInt64(bitPattern: v), radix: 16)
            case ("X", .integer(let v)): text = String(UInt64(bitPattern: v), radix: 16).uppercased()
            case ("u", .integer(let v)): text = String(UInt64(bitPattern: v))
            case ("c", .integer(let v)): text = String(UnicodeScalar(UInt8(truncatingIfNeeded: v)))
            case (_, .integer(let v)): text = String(v)
            case (_, .text(let t)): text = t
            case (_, nil): text = ""
            }
            let flags = spec.prefix { "-+ #0".contains($0) }
            let width = Int(spec.dropFirst(flags.count).prefix { $0.isNumber }) ?? 0
            if text.count < width {
                let pad = String(repeating: flags.contains("0") && !flags.contains("-") ? "0" : " ", count: width - text.count)
                text = flags.contains("-") ? text + pad : pad + text
            }
            out += text
        }
        return out
    }
}
