import Tables
import TestRandom
import XCTest

final class PrintfFormatTests: XCTestCase {
    func testParsesPiecesAndSpecifierFields() throws {
        let format = try PrintfFormat.parse("pid %-08.3lld is 100%% %s\n")
        XCTAssertEqual(format.conversions.count, 2)
        guard format.pieces.count == 5 else { return XCTFail("pieces: \(format.pieces)") }
        XCTAssertEqual(format.pieces[0], .literal("pid "))
        XCTAssertEqual(format.pieces[2], .literal(" is 100% "))
        XCTAssertEqual(format.pieces[4], .literal("\n"))
        let first = format.conversions[0]
        XCTAssertEqual(first.offset, 4)
        XCTAssertEqual(first.text, "%-08.3lld")
        XCTAssertEqual(first.token, "%lld")
        XCTAssertTrue(first.leftAlign)
        XCTAssertTrue(first.zeroPad)
        XCTAssertEqual(first.width, 8)
        XCTAssertEqual(first.precision, 3)
        XCTAssertEqual(first.length, .ll)
        XCTAssertEqual(first.conversion, .d)
        XCTAssertEqual(first.kind, .integer)
        XCTAssertEqual(format.conversions[1].kind, .string)
        XCTAssertEqual(format.conversions[1].offset, 23)
    }

    func testArgumentKinds() throws {
        let format = try PrintfFormat.parse("%d%i%u%o%x%X%hhd%zu%jx%td%c%s%p%lp%r%rx")
        XCTAssertEqual(
            format.conversions.map(\.kind),
            [
                .integer, .integer, .integer, .integer, .integer, .integer, .integer, .integer, .integer,
                .integer, .char, .string, .pointer, .pointer, .buffer, .buffer,
            ])
        XCTAssertEqual(format.conversions.last?.token, "%rx")
        XCTAssertEqual(try PrintfFormat.parse("%.s").conversions.first?.precision, 0)
    }

    func testPercentPercentIsText() throws {
        XCTAssertEqual(try PrintfFormat.parse("100%%\n").pieces, [.literal("100%\n")])
        XCTAssertEqual(try PrintfFormat.parse("%%d").conversions.count, 0)
    }

    func testMalformedSpecifiersAreErrorsWithByteOffsets() {
        func error(_ format: String) -> PrintfFormatError? {
            do {
                _ = try PrintfFormat.parse(format)
                return nil
            } catch { return error }
        }
        XCTAssertEqual(error("50%"), .incompleteSpecifier(token: "%", offset: 2))
        XCTAssertEqual(error("x %-5"), .incompleteSpecifier(token: "%-5", offset: 2))
        XCTAssertEqual(error("ab%q"), .unknownSpecifier(token: "%q", offset: 2))
        XCTAssertEqual(error("%f"), .unknownSpecifier(token: "%f", offset: 0))
        XCTAssertEqual(error("%ls"), .unknownSpecifier(token: "%ls", offset: 0))
        XCTAssertEqual(error("%hc"), .unknownSpecifier(token: "%hc", offset: 0))
        XCTAssertEqual(error("%*d"), .unknownSpecifier(token: "%*", offset: 0))
        XCTAssertEqual(error("é%é"), .unknownSpecifier(token: "%é", offset: 2))
        XCTAssertEqual(
            error("%99999999999999999999999d"),
            .fieldTooWide(token: "%99999999999999999999999d", offset: 0))
        XCTAssertEqual(error("%.70000s")?.offset, 0)
        XCTAssertEqual(error("ab%q")?.message, "printf: Unknown format string token: %q")
    }

    // Messages as bpftrace v0.17.0 prints them, e.g. for
    // bpftrace -e 'BEGIN { printf("%d %d\n", 5); }' and printf("%s\n", 5).
    func testArgumentChecksMatchBpftraceMessages() throws {
        func message(_ format: String, _ arguments: [PrintfArgumentType]) throws -> String? {
            do {
                try PrintfFormat.parse(format).check(arguments)
                return nil
            } catch { return error.message }
        }
        XCTAssertEqual(
            try message("%d %d\n", [.integer]),
            "printf: Not enough arguments for format string (1 supplied, 2 expected)")
        XCTAssertEqual(
            try message("%d\n", [.integer, .integer]),
            "printf: Too many arguments for format string (2 supplied, 1 expected)")
        XCTAssertEqual(
            try message("%s\n", [.integer]),
            "printf: %s specifier expects a value of type string (integer supplied)")
        XCTAssertEqual(
            try message("%d\n", [.string]),
            "printf: %d specifier expects a value of type integer (string supplied)")
        XCTAssertEqual(
            try message("%-5ld\n", [.other("tuple")]),
            "printf: %ld specifier expects a value of type integer (tuple supplied)")
        XCTAssertEqual(
            try message("%r", [.string]),
            "printf: %r specifier expects a value of type buffer (string supplied)")
        XCTAssertNil(try message("%d %p %c %x %s %r\n", [.pointer, .integer, .integer, .pointer, .string, .buffer]))

        let format = try PrintfFormat.parse("a %d b %s")
        XCTAssertThrowsError(try format.check([.integer])) { error in
            XCTAssertEqual((error as? PrintfFormatError)?.offset, 7)
        }
        XCTAssertThrowsError(try format.check([.integer, .string, .string])) { error in
            XCTAssertEqual((error as? PrintfFormatError)?.offset, 9)
        }
        XCTAssertThrowsError(try format.check([.string, .string])) { error in
            XCTAssertEqual(
                error as? PrintfFormatError,
                .typeMismatch(token: "%d", expected: "integer", supplied: "string", argument: 0, offset: 2))
        }
        XCTAssertEqual(
            PrintfFormatError.tooManyArguments(supplied: 2, expected: 1, offset: 0).message(for: "system"),
            "system: Too many arguments for format string (2 supplied, 1 expected)")
    }

    /// Random formats never trap; a parsed format spells its source back exactly, and a
    /// refused one points at a `%`.
    func testRandomFormatsNeverTrap() throws {
        var rng = SeededGenerator(seed: 0x5EED_F00D)
        let alphabet: [String] = [
            "%", "%", "%", "-", "+", " ", "#", "0", "1", "9", ".", "h", "l", "j", "z", "t",
            "d", "i", "u", "o", "x", "X", "c", "s", "p", "r", "q", "*", "\n", "é", "€", "😀", "\0",
        ]
        for _ in 0..<20_000 {
            let length = Int(rng.next() % 16)
            let source = (0..<length).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }.joined()
            do {
                let format = try PrintfFormat.parse(source)
                let respelled = format.pieces.map { piece -> String in
                    switch piece {
                    case .literal(let text): return text.replacingOccurrences(of: "%", with: "%%")
                    case .conversion(let conversion): return conversion.text
                    }
                }.joined()
                XCTAssertEqual(respelled, source)
                let arguments: [Value] = format.conversions.map { _ in
                    switch rng.next() % 4 {
                    case 0: return .int(Int64(bitPattern: rng.next()))
                    case 1: return .uint(rng.next())
                    case 2: return .string("s€")
                    default: return .tuple([.int(1)])
                    }
                }
                _ = PrintfFormatter.format(format, arguments)
                _ = PrintfFormatter.format(format, [])
            } catch {
                let bytes = Array(source.utf8)
                XCTAssertTrue(error.offset >= 0 && error.offset < bytes.count, "\(error) in \(source.debugDescription)")
                if error.offset < bytes.count { XCTAssertEqual(bytes[error.offset], UInt8(ascii: "%")) }
                XCTAssertFalse(error.message.isEmpty)
            }
        }
    }
}
