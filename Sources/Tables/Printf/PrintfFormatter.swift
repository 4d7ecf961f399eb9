/// Formats one `printf` event the way bpftrace 0.17 does, which is C's `snprintf` on glibc.
///
/// bpftrace hands every integer argument to `snprintf` as a 64-bit value, so the length
/// modifier decides how many bits are printed: `%d`/`%u`/`%x` print the low 32 bits
/// (`printf("%d", 5000000000)` prints `705032704`), `%hd` 16, `%hhd` 8, `%ld`/`%lld`/`%zd`/`%jd`
/// all 64. `%c` prints the low byte; `%p` prints `0x` and lowercase hex, or `(nil)` for zero.
/// `%s` pads and truncates by bytes, as C does. Stacks passed to `%s` print as in a map value
/// (a newline, then one frame per line indented by 8 spaces).
///
/// Formatting never fails: a value of the wrong kind is printed as text, padded like `%s`, and
/// a conversion left without an argument prints as written. Checking is the compiler's job
/// (`PrintfFormat.check`), before any event exists.
public enum PrintfFormatter {
    /// Formats a parsed format with its arguments, one per conversion.
    public static func format(_ format: PrintfFormat, _ arguments: [Value]) -> String {
        var out: [UInt8] = []
        var next = 0
        for piece in format.pieces {
            switch piece {
            case .literal(let text):
                out.append(contentsOf: text.utf8)
            case .conversion(let conversion):
                if next < arguments.count {
                    out.append(contentsOf: bytes(conversion, arguments[next]))
                } else {
                    out.append(contentsOf: conversion.text.utf8)
                }
                next += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses `format`, checks the argument count and formats; for callers without a
    /// compiler in front (tests, the shell's own messages).
    public static func format(_ format: String, _ arguments: [Value]) throws(PrintfFormatError) -> String {
        let parsed = try PrintfFormat.parse(format)
        let expected = parsed.conversions.count
        if arguments.count > expected {
            throw .tooManyArguments(supplied: arguments.count, expected: expected, offset: format.utf8.count)
        }
        if arguments.count < expected {
            throw .notEnoughArguments(
                supplied: arguments.count, expected: expected,
                offset: parsed.conversions[arguments.count].offset)
        }
        return Self.format(parsed, arguments)
    }

    /// The text of one conversion applied to one argument.
    public static func format(_ conversion: PrintfConversion, _ argument: Value) -> String {
        String(decoding: bytes(conversion, argument), as: UTF8.self)
    }

    // MARK: - Conversions

    static func bytes(_ spec: PrintfConversion, _ argument: Value) -> [UInt8] {
        switch spec.conversion {
        case .d, .i, .u, .o, .x, .X:
            guard let bits = integerBits(argument) else { return textField(spec, textBytes(argument)) }
            return integerField(spec, bits)
        case .c:
            guard let bits = integerBits(argument) else { return textField(spec, textBytes(argument)) }
            // A NUL ends bpftrace's output buffer; printing nothing for it is the closest
            // we can come without losing the rest of the line.
            let byte = UInt8(truncatingIfNeeded: bits)
            return pad(byte == 0 ? [] : [byte], spec, zeroAllowed: false)
        case .p:
            guard let bits = integerBits(argument) else { return textField(spec, textBytes(argument)) }
            return pointerField(spec, bits)
        case .s:
            return textField(spec, textBytes(argument))
        case .gr:
            guard let bits = integerBits(argument) else { return textField(spec, textBytes(argument)) }
            return textField(spec, Array(GFPFlags.text(bits).utf8))
        case .r, .rx:
            return textField(spec, hexEscaped(textBytes(argument), keepASCII: spec.conversion == .r))
        case .rh:
            let pairs = textBytes(argument).map { hexDigits(UInt64($0), minimum: 2, upper: false) }
            return textField(spec, Array(pairs.joined(separator: [UInt8(ascii: " ")])))
        }
    }

    private static func integerBits(_ value: Value) -> UInt64? {
        switch value {
        case .int(let n): return UInt64(bitPattern: n)
        case .uint(let n), .pointer(let n): return n
        case .enumValue(let n, _): return UInt64(bitPattern: n)
        default: return nil
        }
    }

    private static func textBytes(_ value: Value) -> [UInt8] {
        if case .bytes(let bytes) = value { return bytes }
        return Array(ValueText.value(value).utf8)
    }

    /// `%s`: precision truncates, width pads with spaces (glibc ignores `0` here).
    private static func textField(_ spec: PrintfConversion, _ text: [UInt8]) -> [UInt8] {
        var body = text
        if let precision = spec.precision, body.count > precision {
            body = Array(body.prefix(precision))
        }
        return pad(body, spec, zeroAllowed: false)
    }

    /// bpftrace's `hex_format_buffer`: `\xNN` (lowercase) for each byte, or only for bytes
    /// outside printable ASCII with `%r`.
    private static func hexEscaped(_ bytes: [UInt8], keepASCII: Bool) -> [UInt8] {
        var out: [UInt8] = []
        for byte in bytes {
            if keepASCII && byte >= 32 && byte <= 126 {
                out.append(byte)
            } else {
                out.append(contentsOf: Array("\\x".utf8) + hexDigits(UInt64(byte), minimum: 2, upper: false))
            }
        }
        return out
    }

    private static func integerField(_ spec: PrintfConversion, _ raw: UInt64) -> [UInt8] {
        let signed = spec.conversion == .d || spec.conversion == .i
        var negative = false
        var magnitude: UInt64
        if signed {
            let value: Int64
            switch spec.length {
            case .none: value = Int64(Int32(truncatingIfNeeded: raw))
            case .hh: value = Int64(Int8(truncatingIfNeeded: raw))
            case .h: value = Int64(Int16(truncatingIfNeeded: raw))
            case .l, .ll, .j, .z, .t: value = Int64(bitPattern: raw)
            }
            negative = value < 0
            magnitude = value.magnitude
        } else {
            switch spec.length {
            case .none: magnitude = UInt64(UInt32(truncatingIfNeeded: raw))
            case .hh: magnitude = UInt64(UInt8(truncatingIfNeeded: raw))
            case .h: magnitude = UInt64(UInt16(truncatingIfNeeded: raw))
            case .l, .ll, .j, .z, .t: magnitude = raw
            }
        }
        var digits: [UInt8]
        switch spec.conversion {
        case .o: digits = Array(String(magnitude, radix: 8).utf8)
        case .x: digits = hexDigits(magnitude, minimum: 1, upper: false)
        case .X: digits = hexDigits(magnitude, minimum: 1, upper: true)
        default: digits = Array(String(magnitude).utf8)
        }
        if let precision = spec.precision {
            if precision == 0 && magnitude == 0 { digits = [] }
            if digits.count < precision {
                digits = Array(repeating: UInt8(ascii: "0"), count: precision - digits.count) + digits
            }
        }
        var prefix: [UInt8] = []
        if signed {
            if negative {
                prefix = [UInt8(ascii: "-")]
            } else if spec.plusSign {
                prefix = [UInt8(ascii: "+")]
            } else if spec.spaceSign {
                prefix = [UInt8(ascii: " ")]
            }
        }
        if spec.alternate {
            switch spec.conversion {
            case .o where digits.first != UInt8(ascii: "0"):
                digits.insert(UInt8(ascii: "0"), at: 0)
            case .x where magnitude != 0:
                prefix += Array("0x".utf8)
            case .X where magnitude != 0:
                prefix += Array("0X".utf8)
            default:
                break
            }
        }
        return padNumber(prefix: prefix, digits: digits, spec, zeroAllowed: spec.precision == nil)
    }

    /// glibc's `%p`: like `%#lx` (sign flags included), but `(nil)` for a null pointer.
    private static func pointerField(_ spec: PrintfConversion, _ raw: UInt64) -> [UInt8] {
        if raw == 0 {
            return pad(Array("(nil)".utf8), spec, zeroAllowed: false)
        }
        var digits = hexDigits(raw, minimum: 1, upper: false)
        if let precision = spec.precision, digits.count < precision {
            digits = Array(repeating: UInt8(ascii: "0"), count: precision - digits.count) + digits
        }
        var prefix: [UInt8] = []
        if spec.plusSign { prefix = [UInt8(ascii: "+")] } else if spec.spaceSign { prefix = [UInt8(ascii: " ")] }
        prefix += Array("0x".utf8)
        return padNumber(prefix: prefix, digits: digits, spec, zeroAllowed: spec.precision == nil)
    }

    private static func hexDigits(_ value: UInt64, minimum: Int, upper: Bool) -> [UInt8] {
        var text = Array(String(value, radix: 16, uppercase: upper).utf8)
        if text.count < minimum {
            text = Array(repeating: UInt8(ascii: "0"), count: minimum - text.count) + text
        }
        return text
    }

    /// Width padding for numbers: zeros go between the sign/prefix and the digits.
    private static func padNumber(
        prefix: [UInt8], digits: [UInt8], _ spec: PrintfConversion,
        zeroAllowed: Bool
    ) -> [UInt8] {
        let width = spec.width ?? 0
        let used = prefix.count + digits.count
        if spec.zeroPad && zeroAllowed && !spec.leftAlign && used < width {
            return prefix + Array(repeating: UInt8(ascii: "0"), count: width - used) + digits
        }
        return pad(prefix + digits, spec, zeroAllowed: false)
    }

    private static func pad(_ body: [UInt8], _ spec: PrintfConversion, zeroAllowed: Bool) -> [UInt8] {
        let width = spec.width ?? 0
        guard body.count < width else { return body }
        let fill = Array(repeating: UInt8(ascii: " "), count: width - body.count)
        return spec.leftAlign ? body + fill : fill + body
    }
}
