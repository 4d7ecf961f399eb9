import TestRandom
import XCTest

@testable import Kernel

/// The format parser reads kernel output, which changes between versions; whatever it is
/// given, it must return (never trap) and every field it returns must be sane.
final class CatalogueFuzzTests: XCTestCase {
    typealias Support = KernelCatalogueTestSupport

    static let interesting: [[UInt8]] = [
        Array(":".utf8), Array(";".utf8), Array("[".utf8), Array("]".utf8), Array("\t".utf8), Array("\n".utf8),
        Array("field:".utf8), Array("offset:".utf8), Array("size:".utf8), Array("signed:".utf8),
        Array("__data_loc ".utf8), Array("__rel_loc ".utf8), Array("[]".utf8), Array("*".utf8),
        Array("99999999999999999999".utf8), Array("-1".utf8), Array("16777216".utf8), Array("0".utf8),
        Array("[4294967296][4294967296]".utf8), Array("ID:".utf8), Array("\u{FF}".utf8), [0xff, 0xfe, 0x00],
    ]

    func mutate(_ input: [UInt8], _ random: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...8, using: &random) {
            let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<6, using: &random) {
            case 0 where !bytes.isEmpty:
                bytes[position] = UInt8.random(in: 0...255, using: &random)
            case 1 where !bytes.isEmpty:
                bytes.remove(at: position)
            case 2:
                bytes.insert(contentsOf: Self.interesting.randomElement(using: &random)!, at: position)
            case 3 where !bytes.isEmpty:
                bytes.removeSubrange(position..<min(bytes.count, position + Int.random(in: 1...64, using: &random)))
            case 4:
                let cut = Int.random(in: 0...bytes.count, using: &random)
                bytes = Array(bytes[..<cut])
            default:
                let start = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &random)
                let chunk = bytes[start..<min(bytes.count, start + 40)]
                bytes.insert(contentsOf: chunk, at: position)
            }
        }
        return bytes
    }

    func assertSane(_ format: TracepointFormat, _ context: @autoclosure () -> String) {
        for field in format.allFields {
            XCTAssertFalse(field.name.isEmpty, context())
            XCTAssertTrue(field.offset >= 0 && field.offset <= TracepointFormatParser.maximumRecordValue, context())
            XCTAssertTrue(field.size >= 0 && field.size <= TracepointFormatParser.maximumRecordValue, context())
            if case let .array(_, count?) = field.layout {
                XCTAssertTrue(count >= 0 && count <= TracepointFormatParser.maximumRecordValue, context())
            }
            _ = field.dynamicSpan(locationWord: .max)
            _ = field.isString
        }
        _ = format.fixedSize
        _ = format.fields
    }

    func testMutatedRealFormatsNeverCrash() {
        var seeds: [String] = [
            Support.schedSwitchFormat, Support.sysEnterOpenatFormat,
            Support.schedProcessExecFormat, Support.rawSyscallsEnterFormat,
        ]
        // On a real kernel, add a few more real files with unusual shapes.
        for path in [
            "/sys/kernel/tracing/events/ipi/ipi_send_cpumask/format",
            "/sys/kernel/tracing/events/ftrace/function/format",
        ] {
            if case .success(let text) = SystemFile.readText(path) { seeds.append(text) }
        }
        var random = SeededGenerator(seed: 0x5EED)
        for iteration in 0..<10_000 {
            let seed = Array(seeds[iteration % seeds.count].utf8)
            let input = String(decoding: mutate(seed, &random), as: UTF8.self)
            let format = TracepointFormatParser.parse(input, category: "fuzz", event: "e")
            assertSane(format, "iteration \(iteration)")
        }
    }

    func testRandomBytesNeverCrash() {
        var random = SeededGenerator(seed: 42)
        for iteration in 0..<5_000 {
            let length = Int.random(in: 0..<300, using: &random)
            var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            // Bias towards the parser's vocabulary so the deep paths are reached.
            for _ in 0..<4 {
                bytes.insert(
                    contentsOf: Self.interesting.randomElement(using: &random)!,
                    at: Int.random(in: 0...bytes.count, using: &random))
            }
            let format = TracepointFormatParser.parse(String(decoding: bytes, as: UTF8.self), category: "r", event: "r")
            assertSane(format, "iteration \(iteration)")
        }
    }

    func testPathologicalDeclarations() {
        let lines = [
            "field:" + String(repeating: "[", count: 10_000) + " x;\toffset:0;\tsize:1;",
            "field:int x" + String(repeating: "[9]", count: 50) + ";\toffset:0;\tsize:1;",
            "field:__data_loc ;\toffset:0;\tsize:4;",
            "field:__data_loc [] x;\toffset:0;\tsize:4;",
            "field:;;;;;;",
            "field:int x;\toffset:99999999999999999999999;\tsize:1;",
            "field:int 9x;\toffset:0;\tsize:4;",
            "field:int x[-3];\toffset:0;\tsize:4;",
            "field:é ü;\toffset:0;\tsize:4;",
        ]
        for line in lines {
            if let field = TracepointFormatParser.parseField(Substring(line)) {
                XCTAssertFalse(field.name.isEmpty)
            }
        }
        XCTAssertNil(TracepointFormatParser.parseField("field:int 9x;\toffset:0;\tsize:4;"))
    }
}
