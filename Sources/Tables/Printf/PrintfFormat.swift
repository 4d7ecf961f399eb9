/// A parsed bpftrace `printf` format string: literal text and conversion specifiers.
///
/// The compiler parses the format once, checks argument count and types with `check(_:)`
/// (reporting errors worded like bpftrace), and hands the parsed value to the runtime, which
/// formats each event with `PrintfFormatter`. Escapes (`\n`, `\t`, ...) are already decoded by
/// the lexer, so the format arrives with real newlines.
///
/// Grammar (C's, restricted to what bpftrace can print):
/// `%` flags`[-+ #0]*` width`[0-9]*` (`.` precision`[0-9]*`)? length`(hh|h|ll|l|j|z|t)`?
/// conversion`[diuoxXcsp]`, plus bpftrace's `%r`/`%rx` for `buf()` values and `%%`.
/// A length modifier only goes with an integer conversion or `%p`, as in bpftrace.
///
/// Differences from bpftrace 0.17, all in the direction of accepting correct C formats:
/// `%i` and the `+`, space and `#` flags are accepted (0.17 does not know them); `%%` always
/// prints one `%` (0.17 prints `%%` when it comes after the last conversion); a `%` that does
/// not start a valid conversion is an error instead of being printed as is.
public struct PrintfFormat: Hashable, Sendable {
    /// A piece of the format, in order.
    public enum Piece: Hashable, Sendable {
        /// Text printed as is (`%%` already turned into `%`).
        case literal(String)
        case conversion(PrintfConversion)
    }

    /// The format as written.
    public var source: String
    public var pieces: [Piece]

    /// The conversions in order: one argument each.
    public var conversions: [PrintfConversion] {
        pieces.compactMap { piece in
            if case .conversion(let c) = piece { return c }
            return nil
        }
    }

    public init(source: String, pieces: [Piece]) {
        self.source = source
        self.pieces = pieces
    }

    /// Widths and precisions above this are refused: C accepts up to `INT_MAX`, which would
    /// let one event allocate gigabytes of padding.
    public static let maximumFieldWidth = 65_535

    /// Parses a format; never traps, whatever the input.
    public static func parse(_ format: String) throws(PrintfFormatError) -> PrintfFormat {
        var parser = PrintfParser(format)
        return PrintfFormat(source: format, pieces: try parser.parse())
    }

    /// Checks that the arguments match the conversions one to one, in count and in type,
    /// reporting the first problem as bpftrace would.
    public func check(_ arguments: [PrintfArgumentType]) throws(PrintfFormatError) {
        let conversions = self.conversions
        if arguments.count > conversions.count {
            throw .tooManyArguments(
                supplied: arguments.count, expected: conversions.count,
                offset: source.utf8.count)
        }
        if arguments.count < conversions.count {
            throw .notEnoughArguments(
                supplied: arguments.count, expected: conversions.count,
                offset: conversions[arguments.count].offset)
        }
        for (index, (conversion, argument)) in zip(conversions, arguments).enumerated()
        where !conversion.kind.accepts(argument) {
            throw .typeMismatch(
                token: conversion.token, expected: conversion.kind.expectedTypeName,
                supplied: argument.name, argument: index, offset: conversion.offset)
        }
    }
}

/// One conversion specifier, e.g. `%-10s` or `%08llx`.
public struct PrintfConversion: Hashable, Sendable {
    public enum Length: String, Hashable, Sendable {
        case none = "", hh, h, l, ll, j, z, t
    }

    public enum Conversion: String, Hashable, Sendable {
        case d, i, u, o, x, X, c, s, p
        /// `buf()` contents, printable ASCII kept and other bytes as `\xNN`.
        case r
        /// `buf()` contents, every byte as `\xNN`.
        case rx
        /// `buf()` contents, every byte as two hex digits, separated by spaces.
        case rh
        /// GFP allocation flags by name (`GFPFlags`).
        case gr
    }

    /// Byte offset of the `%` in the format.
    public var offset: Int
    /// The specifier as written, e.g. `%-10s`.
    public var text: String
    public var leftAlign = false
    public var zeroPad = false
    public var plusSign = false
    public var spaceSign = false
    public var alternate = false
    public var width: Int?
    public var precision: Int?
    public var length: Length = .none
    public var conversion: Conversion

    public init(offset: Int, text: String, conversion: Conversion) {
        self.offset = offset
        self.text = text
        self.conversion = conversion
    }

    /// What kind of argument this conversion consumes.
    public var kind: PrintfArgumentKind {
        switch conversion {
        case .d, .i, .u, .o, .x, .X, .gr: return .integer
        case .c: return .char
        case .s: return .string
        case .p: return .pointer
        case .r, .rx, .rh: return .buffer
        }
    }

    /// The specifier without flags, width and precision (`%ld` for `%-5ld`): bpftrace names
    /// a conversion this way in its messages.
    public var token: String { "%" + length.rawValue + conversion.rawValue }
}

/// The argument a conversion expects.
public enum PrintfArgumentKind: Hashable, Sendable {
    /// `%d %i %u %o %x %X`.
    case integer
    /// `%c`: an integer printed as one byte.
    case char
    /// `%s`: strings, and everything bpftrace prints as text (symbols, stacks, addresses).
    case string
    /// `%p`: an integer printed as an address.
    case pointer
    /// `%r`, `%rx`, `%rh`: the result of `buf()`.
    case buffer

    /// bpftrace's name for the type this conversion wants.
    public var expectedTypeName: String {
        switch self {
        case .integer, .char, .pointer: return "integer"
        case .string: return "string"
        case .buffer: return "buffer"
        }
    }

    func accepts(_ argument: PrintfArgumentType) -> Bool {
        switch (self, argument) {
        case (.integer, .integer), (.integer, .pointer),
            (.char, .integer), (.char, .pointer),
            (.pointer, .integer), (.pointer, .pointer),
            (.string, .string), (.buffer, .buffer),
            (.integer, .enumeration), (.char, .enumeration), (.pointer, .enumeration), (.string, .enumeration):
            return true
        default:
            return false
        }
    }
}

/// The type of an argument as the compiler sees it, for `PrintfFormat.check(_:)`.
///
/// The compiler maps its own types onto these: every integer type to `integer`, casts to
/// `pointer`, and strings, `ksym`/`usym`, stacks, `ntop`, `probe`, `username`, `strftime`,
/// `macaddr`, `cgroup_path` to `string` (bpftrace prints all of those with `%s`).
public enum PrintfArgumentType: Hashable, Sendable {
    case integer
    case pointer
    case string
    case buffer
    /// An enum's value: a number to `%d`, its member's name to `%s`.
    case enumeration
    /// Anything else, with the name to show in the error (`tuple`, `record`, `none`...).
    case other(String)

    /// The name bpftrace prints for it; pointers are integers to printf.
    public var name: String {
        switch self {
        case .integer, .pointer: return "integer"
        case .string: return "string"
        case .buffer: return "buffer"
        case .enumeration: return "enum"
        case .other(let name): return name
        }
    }
}

/// Why a format string or its arguments were refused.
public enum PrintfFormatError: Error, Hashable, Sendable {
    /// The format ends inside a specifier (`"50%"`, `"%-5"`).
    case incompleteSpecifier(token: String, offset: Int)
    /// A `%` followed by something that is not a conversion bpftrace can print (`%f`, `%ls`).
    case unknownSpecifier(token: String, offset: Int)
    /// A width or precision above `PrintfFormat.maximumFieldWidth`.
    case fieldTooWide(token: String, offset: Int)
    /// More arguments than conversions; the offset is the end of the format.
    case tooManyArguments(supplied: Int, expected: Int, offset: Int)
    /// Fewer arguments than conversions; the offset is the first conversion left without one.
    case notEnoughArguments(supplied: Int, expected: Int, offset: Int)
    /// Argument `argument` (0-based) does not fit its conversion.
    case typeMismatch(token: String, expected: String, supplied: String, argument: Int, offset: Int)

    /// Byte offset in the format string the error is about.
    public var offset: Int {
        switch self {
        case .incompleteSpecifier(_, let o), .unknownSpecifier(_, let o), .fieldTooWide(_, let o),
            .tooManyArguments(_, _, let o), .notEnoughArguments(_, _, let o),
            .typeMismatch(_, _, _, _, let o):
            return o
        }
    }

    /// The message as bpftrace words it, for `printf`.
    public var message: String { message(for: "printf") }

    /// The message for another function that takes a format (`system`, `cat`, `errorf`...).
    public func message(for function: String) -> String {
        let text: String
        switch self {
        case .incompleteSpecifier(let token, _):
            text = "Incomplete format string token: \(token)"
        case .unknownSpecifier(let token, _):
            text = "Unknown format string token: \(token)"
        case .fieldTooWide(let token, _):
            text = "Field width or precision too large (at most \(PrintfFormat.maximumFieldWidth)): \(token)"
        case .tooManyArguments(let supplied, let expected, _):
            text = "Too many arguments for format string (\(supplied) supplied, \(expected) expected)"
        case .notEnoughArguments(let supplied, let expected, _):
            text = "Not enough arguments for format string (\(supplied) supplied, \(expected) expected)"
        case .typeMismatch(let token, let expected, let supplied, _, _):
            text = "\(token) specifier expects a value of type \(expected) (\(supplied) supplied)"
        }
        return function + ": " + text
    }
}

extension PrintfFormatError: CustomStringConvertible {
    public var description: String { message }
}
