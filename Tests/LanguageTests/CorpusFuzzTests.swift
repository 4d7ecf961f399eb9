import Foundation
import LanguageTestSupport
import TestRandom
import XCTest

@testable import Language

/// The front-end fuzzing of `FrontEndRobustnessTests`, seeded from every program of the
/// runtime corpus (Tests/RuntimeCorpusTests/cases), which holds the constructs real users
/// write and the errors they make: each mutant ends in a checked program or diagnostics
/// inside the source, never a crash, another error type or a hang.
final class CorpusFuzzTests: XCTestCase {

    func testEveryCorpusProgram() {
        let programs = corpusPrograms
        XCTAssertGreaterThan(programs.count, 100, "the runtime corpus was found")
        for program in programs { FrontEndRobustnessTests.assertRobust(program) }
    }

    func testMutatedCorpusPrograms() {
        let programs = corpusPrograms.map { Array($0.utf8) }
        guard !programs.isEmpty else { return XCTFail("no corpus") }
        var rng = SeededGenerator(seed: 0xB9F5_0C0B)
        let count = 6000
        var accepted = 0
        for _ in 0..<count {
            let text = String(
                decoding: FrontEndRobustnessTests.mutate(programs.randomElement(using: &rng)!, with: &rng),
                as: UTF8.self)
            if FrontEndRobustnessTests.assertRobust(text) { accepted += 1 }
        }
        print("mutated corpus programs: \(accepted) of \(count) accepted by the type checker")
        XCTAssertGreaterThan(accepted, 0)
        XCTAssertLessThan(accepted, count)
    }
}
