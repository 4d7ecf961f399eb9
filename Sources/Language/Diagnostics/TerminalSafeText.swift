/// Text that came from the user or a file, made safe to print in an error: control characters
/// (a NUL, an escape sequence, a carriage return that would hide the message) are written as
/// visible escapes. Newlines and tabs stay, since messages and carets use them.
public enum TerminalSafeText {
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar) else {
                result.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\0": result += "\\0"
            case "\r": result += "\\r"
            case _ where scalar.value < 0x80: result += "\\x" + hex(scalar.value)
            default: result += "\\u{" + hex(scalar.value) + "}"
            }
        }
        return result
    }

    /// C0 controls but newline and tab, DEL, and the C1 controls.
    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return (v < 0x20 && v != 0x0A && v != 0x09) || (v >= 0x7F && v <= 0x9F)
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return digits.count < 2 ? "0" + digits : digits
    }
}
