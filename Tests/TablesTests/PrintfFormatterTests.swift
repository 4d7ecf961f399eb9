import Tables
import TestRandom
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

final class PrintfFormatterTests: XCTestCase {
    // bpftrace -e 'BEGIN { printf("[%d] [%5d] [%-5d] [%05d] [%x] [%X] [%08x] [%o] [%u] [%c] [%s]
    //   [%-10s] [%10s] [%.3s] [%p]\n", -42, 42, 42, 42, 255, 255, 255, 8, -1, 65, "str", "ab",
    //   "cd", "abcdef", 4096); }'
    func testCommonConversionsAsBpftracePrintsThem() throws {
        let text = try PrintfFormatter.format(
            "[%d] [%5d] [%-5d] [%05d] [%x] [%X] [%08x] [%o] [%u] [%c] [%s] [%-10s] [%10s] [%.3s] [%p]\n",
            [
                .int(-42), .int(42), .int(42), .int(42), .int(255), .int(255), .int(255), .int(8), .int(-1), .int(65),
                .string("str"), .string("ab"), .string("cd"), .string("abcdef"), .int(4096),
            ])
        XCTAssertEqual(
            text,
            "[-42] [   42] [42   ] [00042] [ff] [FF] [000000ff] [10] [4294967295] [A] [str] [ab        ] "
                + "[        cd] [abc] [0x1000]\n"
        )
    }

    // bpftrace -e 'BEGIN { printf("%d|%u|%x|%ld|%hhd|%hd|%p|%p|%lu|%lld|%c%c|%hhu|%lx|%X|%o\n",
    //   5000000000, 5000000000, -1, 5000000000, 300, 70000, 0, -1, -1, -5, 104, 105, -1, -1,
    //   -255, -1); }'
    // The kernel's show_gfp_flags: composites first (their bits then removed), single flags,
    // leftover bits in hex, "none" for 0.
    func testGFPFlagsAsTheKernelNamesThem() throws {
        let text = try PrintfFormatter.format(
            "%gr %gr %gr %gr %gr\n", [.int(0x1), .int(0xcc0 | 0x100), .int(0x820), .int(0), .int(0x8000_0000 | 0x40)])
        XCTAssertEqual(text, "GFP_DMA GFP_KERNEL|__GFP_ZERO GFP_ATOMIC none __GFP_IO|0x80000000\n")
        XCTAssertThrowsError(try PrintfFormatter.format("%g\n", [.int(1)]))
    }

    func testLengthModifiersTruncateLikeBpftrace() throws {
        let text = try PrintfFormatter.format(
            "%d|%u|%x|%ld|%hhd|%hd|%p|%p|%lu|%lld|%c%c|%hhu|%lx|%X|%o\n",
            [
                .int(5_000_000_000), .uint(5_000_000_000), .int(-1), .int(5_000_000_000), .int(300), .int(70000),
                .int(0), .int(-1), .int(-1), .int(-5), .int(104), .int(105), .int(-1), .int(-1), .int(-255), .int(-1),
            ])
        XCTAssertEqual(
            text,
            "705032704|705032704|ffffffff|5000000000|44|4464|(nil)|0xffffffffffffffff|18446744073709551615|"
                + "-5|hi|255|ffffffffffffffff|FFFFFF01|37777777777\n"
        )
    }

    // bpftrace -e 'BEGIN { printf("[%5.2s] [%-6.1s|] [%.0s] [%3c] [%-3c|] [%10p] [%.5d] [%8.3x]
    //   [%-08d|] [%.0d]\n", "hello", "xy", "gone", 65, 66, 255, 42, 255, 7, 0); }'
    func testWidthAndPrecision() throws {
        let text = try PrintfFormatter.format(
            "[%5.2s] [%-6.1s|] [%.0s] [%3c] [%-3c|] [%10p] [%.5d] [%8.3x] [%-08d|] [%.0d]\n",
            [
                .string("hello"), .string("xy"), .string("gone"), .int(65), .int(66), .int(255), .int(42), .int(255),
                .int(7), .int(0),
            ])
        XCTAssertEqual(text, "[   he] [x     |] [] [  A] [B  |] [      0xff] [00042] [     0ff] [7       |] []\n")
    }

    // bpftrace -e 'BEGIN { printf("[%r] [%rx]\n", buf("ab\x01", 3), buf("AB", 2)); }'
    func testBufferConversions() throws {
        XCTAssertEqual(
            try PrintfFormatter.format("[%r] [%rx]\n", [.string("ab\u{1}"), .string("AB")]),
            "[ab\\x01] [\\x41\\x42]\n")
    }

    /// Stacks print as in a map value; symbols as they are (bpftrace's printf("%s", kstack)).
    func testTextLikeArguments() throws {
        XCTAssertEqual(
            try PrintfFormatter.format("stack: %s", [.stack(["do_nanosleep+1", "hrtimer_nanosleep+206"])]),
            "stack: \n        do_nanosleep+1\n        hrtimer_nanosleep+206\n")
        XCTAssertEqual(try PrintfFormatter.format("%-12s|", [.symbol("vfs_read")]), "vfs_read    |")
        XCTAssertEqual(try PrintfFormatter.format("%s", [.tuple([.int(1), .string("a")])]), "(1, a)")
    }

    func testPercentAfterLastConversionPrintsOnce() throws {
        // bpftrace 0.17 prints "5 100%%" here; C and newer bpftrace print one percent sign.
        XCTAssertEqual(try PrintfFormatter.format("%d 100%%\n", [.int(5)]), "5 100%\n")
        XCTAssertEqual(try PrintfFormatter.format("100%% %d\n", [.int(5)]), "100% 5\n")
    }

    func testWrongArgumentsNeverTrap() throws {
        let format = try PrintfFormat.parse("[%5d] [%c] [%p] [%s] [%x]")
        XCTAssertEqual(
            PrintfFormatter.format(format, [.string("ab"), .none, .string("p"), .int(7)]),
            "[   ab] [] [p] [7] [%x]")
        XCTAssertThrowsError(try PrintfFormatter.format("%d", []))
        XCTAssertThrowsError(try PrintfFormatter.format("%d", [.int(1), .int(2)]))
    }

    /// Differential test against glibc's own `vsnprintf`, passing every integer as a 64-bit
    /// value exactly as bpftrace does: any difference in flags, width, precision, length or
    /// sign handling shows up here.
    func testMatchesGlibcSnprintf() throws {
        #if canImport(Glibc)
            var rng = SeededGenerator(seed: 42)
            let flagSets = ["", "-", "0", "+", " ", "#", "-0", "+0", "- ", "#0", "-#", "+#0"]
            let widths = ["", "1", "5", "12", "25"]
            let precisions = ["", ".", ".0", ".1", ".3", ".20"]
            let lengths = ["", "hh", "h", "l", "ll", "j", "z", "t"]
            let integerConversions = ["d", "i", "u", "o", "x", "X", "p"]
            let values: [UInt64] = [
                0, 1, 7, 255, 256, 0x7fff, 0x8000, 65535, 0x7fff_ffff, 0x8000_0000,
                0xffff_ffff, 5_000_000_000, UInt64(Int64.max), UInt64(bitPattern: Int64.min),
                UInt64.max, UInt64(bitPattern: -42),
            ]
            func pick<T>(_ items: [T]) -> T { items[Int(rng.next() % UInt64(items.count))] }
            var checked = 0
            for _ in 0..<6000 {
                let flags = pick(flagSets), width = pick(widths), precision = pick(precisions)
                let conversion = pick(integerConversions + ["c", "s"])
                let length = (conversion == "c" || conversion == "s") ? "" : pick(lengths)
                if conversion == "p" && (flags.contains("#") || length != "") { continue }
                if (conversion == "c" || conversion == "s") && flags.contains("#") { continue }
                let spec = "%" + flags + width + precision + length + conversion
                let format = try PrintfFormat.parse("<" + spec + ">")
                let expected: String
                let argument: Value
                switch conversion {
                case "s":
                    let text = pick(["", "a", "hello", "hello world, longer than twenty"])
                    argument = .string(text)
                    expected = text.withCString { glibc("<" + spec + ">", $0) }
                case "c":
                    let byte = UInt64(pick([65, 97, 0x141, 0x7e]))
                    argument = .uint(byte)
                    expected = glibc("<" + spec + ">", byte)
                default:
                    let bits = rng.next() % 3 == 0 ? rng.next() : pick(values)
                    argument = rng.next() % 2 == 0 ? .uint(bits) : .int(Int64(bitPattern: bits))
                    expected = glibc("<" + spec + ">", bits)
                }
                XCTAssertEqual(PrintfFormatter.format(format, [argument]), expected, "\(spec) with \(argument)")
                checked += 1
            }
            XCTAssertGreaterThan(checked, 4000)
        #else
            throw XCTSkip("needs glibc")
        #endif
    }

    #if canImport(Glibc)
        private func glibc(_ format: String, _ argument: CVarArg) -> String {
            var buffer = [CChar](repeating: 0, count: 512)
            _ = withVaList([argument]) { vsnprintf(&buffer, buffer.count, format, $0) }
            return String(cString: buffer)
        }
    #endif
}
