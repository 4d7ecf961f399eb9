import Shell

/// A line reader with nothing to read, for tests that drive a shell through `execute`.
final class NoInputReader: LineReader {
    func readLine(prompt: String) -> (line: String?, interrupted: Bool) { (nil, false) }
    func remember(_ statement: String) {}
    func printAbovePrompt(_ text: String) {}
    var isInteractive: Bool { false }
    func close() {}
}
