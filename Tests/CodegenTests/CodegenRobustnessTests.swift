import Foundation
import LanguageTestSupport
import TestRandom
import XCTest

@testable import Codegen
@testable import Language

/// Every program the type checker accepts must compile to well-formed BPF: mutated seeds
/// that survive checking are compiled, with a fixed seed so failures reproduce.
final class CodegenRobustnessTests: XCTestCase {
    private static let fragments: [String] = [
        " ", "{", "}", "(", ")", ";", ",", "+", "-", "*", "/", "%", "<<", ">>", "==", "!=", "&&", "||", "!", "~", "?",
        ":",
        "$x", "$y", "@m", "@m[1]", "@c", "pid", "comm", "nsecs", "arg0", "retval", "1", "0", "255", "\"s\"",
        "count()", "sum(1)", "hist(pid)", "str(arg0)", "(uint8)", "(int16)", "(1, comm)", "if (pid) { ", "} else { ",
        "while ($x < 3) { $x++; ", "unroll(2) { ", "for ($i : 0..3) { ", "printf(\"%d %s\\n\", ", "exit(); ",
        "print(@m); ",
        "$x = ", "@m[comm] = ", "@c = count(); ", "curtask->pid", "args.prev_comm", "args.filename", "kstack", "ustack",
    ]

    private static func mutate(_ bytes: [UInt8], with rng: inout SeededGenerator) -> [UInt8] {
        var out = bytes
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            let n = out.count
            switch Int.random(in: 0..<4, using: &rng) {
            case 0:
                let fragment = Array(fragments.randomElement(using: &rng)!.utf8)
                out.insert(contentsOf: fragment, at: Int.random(in: 0...n, using: &rng))
            case 1:
                let other = Array(seedPrograms.randomElement(using: &rng)!.utf8)
                let start = Int.random(in: 0..<other.count, using: &rng)
                let end = min(other.count, start + Int.random(in: 1...24, using: &rng))
                out.insert(contentsOf: other[start..<end], at: Int.random(in: 0...n, using: &rng))
            case 2:
                guard n > 0 else { continue }
                let start = Int.random(in: 0..<n, using: &rng)
                out.removeSubrange(start..<min(n, start + Int.random(in: 1...6, using: &rng)))
            default:
                guard n > 0 else { continue }
                let start = Int.random(in: 0..<n, using: &rng)
                let chunk = Array(out[start..<min(n, start + Int.random(in: 1...12, using: &rng))])
                out.insert(contentsOf: chunk, at: start)
            }
        }
        return out
    }

    private func compileIfAccepted(_ text: String) -> Bool {
        let file = SourceFile(name: "fuzz.bt", text: text)
        let checked: CheckedProgram
        do {
            checked = try SemanticAnalyzer.check(
                try Parser.parse(file, preprocessing: PreprocessorOptions(kernelHasBTF: true)), source: file,
                catalogue: FakeCatalogue())
        } catch is Diagnostic {
            return false
        } catch is DiagnosticList {
            return false
        } catch {
            XCTFail("unexpected front-end error \(error) on: \(text.debugDescription)")
            return false
        }
        do {
            assertWellFormed(try Compiler().compile(checked), text.debugDescription)
        } catch {
            XCTFail("an accepted program does not compile: \(error)\n\(text)")
        }
        return true
    }

    func testSeedsCompile() {
        for seed in seedPrograms {
            XCTAssertTrue(compileIfAccepted(seed), "seed rejected: \(seed)")
        }
    }

    func testAcceptedMutantsCompileToWellFormedBPF() {
        var rng = SeededGenerator(seed: 0xC0DE_6E11)
        var compiled = 0, tried = 0
        let started = Date()
        while compiled < 400 && tried < 20_000 && Date().timeIntervalSince(started) < 120 {
            tried += 1
            let seed = Array(seedPrograms.randomElement(using: &rng)!.utf8)
            if compileIfAccepted(String(decoding: CodegenRobustnessTests.mutate(seed, with: &rng), as: UTF8.self)) {
                compiled += 1
            }
        }
        print("mutants: \(compiled) compiled of \(tried) tried")
        XCTAssertGreaterThan(compiled, 100, "only \(compiled) of \(tried) mutants were accepted")
    }
}
