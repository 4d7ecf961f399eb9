import Foundation

/// The PROG lines of the runtime corpus (Tests/RuntimeCorpusTests/cases): the programs people
/// write, seeds for the fuzz tests of the front end and the shell.
public let corpusPrograms: [String] = {
    let cases = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("RuntimeCorpusTests/cases")
    let files = (try? FileManager.default.contentsOfDirectory(atPath: cases.path)) ?? []
    return files.filter { $0.hasSuffix(".txt") }.sorted().flatMap { file -> [String] in
        let text = (try? String(contentsOf: cases.appendingPathComponent(file), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").filter { $0.hasPrefix("PROG ") }.map { String($0.dropFirst(5)) }
    }
}()
