/// How bpftrace 0.17 spells a single value, in text output.
///
/// One place decides this because the same value shows up as a map key, a map value, a
/// `print(expr)` and a printf `%s` argument, and bpftrace only differs in the indentation of
/// stacks: 4 spaces inside a key (`@[\n    frame\n]`), 8 spaces everywhere else.
enum ValueText {
    static let keyStackIndent = 4
    static let valueStackIndent = 8

    /// Text of a value outside a key; integers are divided by `divisor` (bpftrace applies
    /// `print`'s divisor to every integer, tuple fields included).
    static func value(_ value: Value, divisor: Int64 = 1) -> String {
        render(value, stackIndent: valueStackIndent, divisor: divisor)
    }

    /// Text of one key part; keys are never divided.
    static func keyPart(_ value: Value) -> String {
        render(value, stackIndent: keyStackIndent, divisor: 1)
    }

    /// A value on one line, for table cells: a stack's frames innermost first, joined by `;`.
    static func singleLine(_ value: Value) -> String {
        switch value {
        case .stack(let frames): return frames.isEmpty ? "[no stack]" : frames.joined(separator: ";")
        case .tuple(let items): return "(" + items.map(singleLine).joined(separator: ", ") + ")"
        default: return keyPart(value)
        }
    }

    /// `@name` or `@name[k1, k2]`.
    static func key(name: String, parts: [Value]) -> String {
        if parts.isEmpty { return name }
        return name + "[" + parts.map(keyPart).joined(separator: ", ") + "]"
    }

    /// A symbolized stack: a leading newline and one indented frame per line.
    ///
    /// An empty frame list renders as nothing: that is what bpftrace prints when the stack
    /// could not be read (a kernel thread's `ustack`, a user-mode sample's `kstack`), which is
    /// the only way a real snapshot ends up with no frames.
    static func stack(_ frames: [String], indent: Int) -> String {
        if frames.isEmpty { return "" }
        let pad = String(repeating: " ", count: indent)
        var text = "\n"
        for frame in frames {
            text += pad + frame + "\n"
        }
        return text
    }

    /// bpftrace's `hex_format_buffer` for printing a buffer: printable ASCII as is, every
    /// other byte as `\xNN`.
    static func escaped(_ bytes: [UInt8]) -> String {
        var text = ""
        for byte in bytes {
            if byte >= 32 && byte <= 126 {
                text.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                text += "\\x" + (byte < 16 ? "0" : "") + String(byte, radix: 16)
            }
        }
        return text
    }

    private static func render(_ value: Value, stackIndent: Int, divisor: Int64) -> String {
        switch value {
        case .int(let v):
            return String(v.dividedReportingOverflow(by: divisor).partialValue)
        case .uint(let v):
            return String(v / UInt64(divisor))
        case .string(let s), .symbol(let s):
            return s
        case .stack(let frames):
            return stack(frames, indent: stackIndent)
        case .tuple(let elements):
            return "("
                + elements.map { render($0, stackIndent: stackIndent, divisor: divisor) }
                .joined(separator: ", ") + ")"
        case .pointer(let address):
            return "0x" + String(address, radix: 16)
        case .bytes(let bytes):
            return escaped(bytes)
        case .enumValue(let value, let name):
            return name ?? String(value)
        case .array(let elements):
            // No spaces, as bpftrace prints arrays (`[1,2,3]`), unlike tuples.
            return "[" + elements.map { render($0, stackIndent: stackIndent, divisor: divisor) }.joined(separator: ",")
                + "]"
        case .record(let names, let values):
            // As bpftrace: `{}` when empty, and a member it cannot show (a float) as null.
            if names.isEmpty { return "{}" }
            return "{ "
                + zip(names, values).map {
                    ".\($0) = " + ($1 == .none ? "null" : render($1, stackIndent: stackIndent, divisor: divisor))
                }
                .joined(separator: ", ") + " }"
        case .none:
            return ""
        }
    }
}
