import Foundation

/// Where the shell's input lines come from.
public protocol LineReader: AnyObject {
    /// The next line without its newline; nil at end of input. `interrupted` is set when the
    /// read ended because of Ctrl-C rather than end of input.
    func readLine(prompt: String) -> (line: String?, interrupted: Bool)
    /// Remembers a complete statement in the history.
    func remember(_ statement: String)
    /// Prints text produced while the user is typing, above the prompt, then redraws it.
    func printAbovePrompt(_ text: String)
    var isInteractive: Bool { get }
    func close()
}

/// Reads lines from a non-terminal standard input (`bpfsh < commands.txt`): no prompt, no
/// echo, nothing but results on the output.
public final class PlainLineReader: LineReader {
    public init() {}
    public func readLine(prompt: String) -> (line: String?, interrupted: Bool) {
        (Swift.readLine(strippingNewline: true), false)
    }
    public func remember(_ statement: String) {}
    public func printAbovePrompt(_ text: String) { FileHandle.standardOutput.write(Data(text.utf8)) }
    public var isInteractive: Bool { false }
    public func close() {}
}
