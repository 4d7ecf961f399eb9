import Foundation
import LanguageTestSupport
import TestRandom
import XCTest

@testable import Language

/// Random and mutated programs through the lexer, the parser and the type checker: each
/// must end in a checked program or diagnostics with ranges inside the source, never a
/// crash, another error type or a hang. Seeds are fixed, so failures reproduce.
final class FrontEndRobustnessTests: XCTestCase {
    enum Outcome {
        case accepted(CheckedProgram)
        case diagnostic(Diagnostic)
        case list(DiagnosticList)
        case unexpected(Error)
    }

    /// Runs the front end on `text` on a thread with a large stack, waiting at most
    /// `seconds`; nil means it did not finish in time.
    static func frontEnd(_ text: String, seconds: Double = 5) -> Outcome? {
        final class Box: @unchecked Sendable { var outcome: Outcome? }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            let file = SourceFile(name: "fuzz.bt", text: text)
            do {
                let program = try Parser.parse(file, preprocessing: testPreprocessing)
                box.outcome = .accepted(try SemanticAnalyzer.check(program, source: file, catalogue: FakeCatalogue()))
            } catch let d as Diagnostic {
                box.outcome = .diagnostic(d)
            } catch let l as DiagnosticList {
                box.outcome = .list(l)
            } catch {
                box.outcome = .unexpected(error)
            }
            done.signal()
        }
        // Recursive descent needs stack for deeply nested input; the nesting limit is tested
        // in RegressionTests.
        thread.stackSize = 256 << 20
        thread.start()
        guard done.wait(timeout: .now() + seconds) == .success else { return nil }
        return box.outcome
    }

    /// Checks one input; returns whether it was accepted.
    @discardableResult
    static func assertRobust(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> Bool {
        guard let outcome = frontEnd(text) else {
            XCTFail("front end did not finish within 5 s on: \(text.debugDescription)", file: file, line: line)
            return false
        }
        let size = SourceFile(name: "fuzz.bt", text: text).bytes.count
        func checkRange(_ d: Diagnostic) {
            XCTAssertTrue(
                d.range.start >= 0 && d.range.start <= d.range.end && d.range.end <= size,
                "range \(d.range) outside 0...\(size) for '\(d.message)' on: \(text.debugDescription)", file: file,
                line: line)
            XCTAssertFalse(d.message.isEmpty, file: file, line: line)
            _ = d.rendered(in: SourceFile(name: "fuzz.bt", text: text))
        }
        switch outcome {
        case .accepted:
            return true
        case .diagnostic(let d):
            checkRange(d)
        case .list(let l):
            XCTAssertFalse(
                l.diagnostics.isEmpty, "empty DiagnosticList on: \(text.debugDescription)", file: file, line: line)
            l.diagnostics.forEach(checkRange)
            let starts = l.diagnostics.map(\.range.start)
            XCTAssertEqual(
                starts, starts.sorted(), "diagnostics out of order on: \(text.debugDescription)", file: file, line: line
            )
        case .unexpected(let error):
            XCTFail("unexpected error \(error) on: \(text.debugDescription)", file: file, line: line)
        }
        return false
    }

    static let fragments: [String] = [
        " ", "\n", "\t", "{", "}", "(", ")", "[", "]", "/", "*", "\"", "'", "\\", "$", "@", ",", ";", ":", "::", ".",
        "..",
        "->", "?", "!", "~", "-", "+", "%", "&&", "||", "<<", ">>=", "==", "=", "+=", "++", "--", "0x", "0b", "1e",
        "07",
        "18446744073709551616", "//", "/*", "*/", "#include <x.h>\n", "if", "else", "while", "unroll(", "for (", "let ",
        "return", "break", "continue", "BEGIN", "END", "k:vfs_read", "t:sched:sched_switch", "u:/bin/sh:main",
        "profile:hz:",
        "interval:s:", "t:syscalls:sys_enter_*", "count()", "hist(", "lhist(", "printf(\"%d\\n\", ", "str(", "args.",
        "args->",
        "curtask->", "comm", "pid", "retval", "arg0", "$1", "$#", "@x", "@", "$x", "(uint8)", "(struct task_struct *)",
        "sizeof(", "kaddr(\"jiffies\")", "\"\\x", "\"\\777\"", "é", "\u{0}", "\u{7f}", "\r\n", "'a'", "(1, 2)", "$t.0",
    ]

    static func mutate(_ bytes: [UInt8], with rng: inout SeededGenerator) -> [UInt8] {
        var out = bytes
        // Mostly light mutations, which keep many programs valid; sometimes heavy ones.
        for _ in 0..<Int.random(in: 1...(Bool.random(using: &rng) ? 2 : 6), using: &rng) {
            let n = out.count
            switch Int.random(in: 0..<6, using: &rng) {
            case 0:  // insert a fragment
                let fragment = Array(fragments.randomElement(using: &rng)!.utf8)
                out.insert(contentsOf: fragment, at: Int.random(in: 0...n, using: &rng))
            case 1:  // insert a chunk of another seed
                let other = Array(seedPrograms.randomElement(using: &rng)!.utf8)
                let start = Int.random(in: 0..<other.count, using: &rng)
                let end = min(other.count, start + Int.random(in: 1...16, using: &rng))
                out.insert(contentsOf: other[start..<end], at: Int.random(in: 0...n, using: &rng))
            case 2:  // delete a chunk
                guard n > 0 else { continue }
                let start = Int.random(in: 0..<n, using: &rng)
                out.removeSubrange(start..<min(n, start + Int.random(in: 1...8, using: &rng)))
            case 3:  // duplicate a chunk in place
                guard n > 0 else { continue }
                let start = Int.random(in: 0..<n, using: &rng)
                let chunk = Array(out[start..<min(n, start + Int.random(in: 1...12, using: &rng))])
                out.insert(contentsOf: chunk, at: start)
            case 4:  // swap two chunks
                guard n > 4 else { continue }
                var a = Int.random(in: 0..<n, using: &rng), b = Int.random(in: 0..<n, using: &rng)
                if a > b { swap(&a, &b) }
                let lengthA = min(Int.random(in: 1...8, using: &rng), b - a)
                let lengthB = min(Int.random(in: 1...8, using: &rng), n - b)
                guard lengthA > 0, lengthB > 0 else { continue }
                let first = Array(out[a..<a + lengthA]), second = Array(out[b..<b + lengthB])
                out.replaceSubrange(b..<b + lengthB, with: first)
                out.replaceSubrange(a..<a + lengthA, with: second)
            default:  // replace one byte by any byte
                guard n > 0 else { continue }
                out[Int.random(in: 0..<n, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
        }
        return out
    }

    func testSeedsAreAccepted() {
        for seed in seedPrograms {
            XCTAssertTrue(FrontEndRobustnessTests.assertRobust(seed), "seed rejected: \(seed)")
        }
    }

    func testMutatedPrograms() {
        var rng = SeededGenerator(seed: 0xB9F5_0001)
        var accepted = 0
        let count = 4000
        for _ in 0..<count {
            let seed = Array(seedPrograms.randomElement(using: &rng)!.utf8)
            let text = String(decoding: FrontEndRobustnessTests.mutate(seed, with: &rng), as: UTF8.self)
            if FrontEndRobustnessTests.assertRobust(text) { accepted += 1 }
        }
        print("mutated programs: \(accepted) of \(count) accepted by the type checker")
        // Enough mutants survive to exercise the type checker, and enough fail to exercise errors.
        XCTAssertGreaterThan(accepted, count / 100, "accepted \(accepted) of \(count)")
        XCTAssertLessThan(accepted, count * 9 / 10, "accepted \(accepted) of \(count)")
    }

    func testRandomTokenSoup() {
        var rng = SeededGenerator(seed: 0xB9F5_0002)
        for _ in 0..<2000 {
            var text = ""
            for _ in 0..<Int.random(in: 1...40, using: &rng) {
                text += FrontEndRobustnessTests.fragments.randomElement(using: &rng)!
                if Bool.random(using: &rng) { text += " " }
            }
            FrontEndRobustnessTests.assertRobust(text)
        }
    }

    func testRandomBytes() {
        var rng = SeededGenerator(seed: 0xB9F5_0003)
        for _ in 0..<1000 {
            let bytes = (0..<Int.random(in: 0...80, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            FrontEndRobustnessTests.assertRobust(String(decoding: bytes, as: UTF8.self))
            // Printable ASCII finds more of the grammar than arbitrary bytes.
            let ascii = (0..<Int.random(in: 0...80, using: &rng)).map { _ in UInt8.random(in: 32...126, using: &rng) }
            FrontEndRobustnessTests.assertRobust("BEGIN { " + String(decoding: ascii, as: UTF8.self))
        }
    }

    func testEveryPrefixOfEverySeed() {
        for seed in seedPrograms {
            let bytes = Array(seed.utf8)
            for end in 0...bytes.count {
                FrontEndRobustnessTests.assertRobust(String(decoding: bytes[0..<end], as: UTF8.self))
            }
        }
    }

    func testModerateNestingIsFine() {
        for depth in [10, 50, 100] {
            XCTAssertTrue(
                FrontEndRobustnessTests.assertRobust(
                    "BEGIN { $x = " + String(repeating: "(", count: depth) + "1" + String(repeating: ")", count: depth)
                        + "; }"))
            XCTAssertTrue(
                FrontEndRobustnessTests.assertRobust("BEGIN { $x = " + String(repeating: "- ", count: depth) + "1; }"))
            XCTAssertTrue(
                FrontEndRobustnessTests.assertRobust(
                    "BEGIN { " + String(repeating: "if (1) { ", count: depth) + String(repeating: "} ", count: depth)
                        + "}"))
            XCTAssertTrue(
                FrontEndRobustnessTests.assertRobust(
                    "BEGIN { $x = 1" + String(repeating: " + 1", count: depth * 10) + "; }"))
        }
    }
}
