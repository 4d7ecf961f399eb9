/// Reads the files a program includes or imports. The language layer does no I/O of its own:
/// the session passes a loader over the file system, tests one over a dictionary.
public protocol SourceLoader: Sendable {
    /// The path `path`, as written in the file `includingPath`, names: relative paths are
    /// relative to that file's directory (or the working directory for `-e` and the shell).
    func resolve(_ path: String, from includingPath: String?) -> String
    /// The text of a file, or a reason it cannot be read (as `SourceLoadError`).
    func read(_ resolvedPath: String) throws -> String
    /// The files directly in a directory, or nil when `resolvedPath` is not a directory.
    func directoryEntries(_ resolvedPath: String) -> [String]?
}

public struct SourceLoadError: Error, Sendable {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
}

/// A loader for programs that have no files to refer to.
public struct NoFilesLoader: SourceLoader {
    public init() {}
    public func resolve(_ path: String, from includingPath: String?) -> String { path }
    public func read(_ resolvedPath: String) throws -> String {
        throw SourceLoadError("this program cannot read files")
    }
    public func directoryEntries(_ resolvedPath: String) -> [String]? { nil }
}

/// What the preprocessor is told by its caller.
public struct PreprocessorOptions: Sendable {
    /// Object-like macros defined before the program (`-D`-like), name to replacement text.
    public var definitions: [String: String]
    /// Whether the kernel has BTF: then `BPFTRACE_HAVE_BTF` is defined and `#include <...>`
    /// is satisfied without the header, since kernel types come from BTF (as in bpftrace).
    public var kernelHasBTF: Bool
    public var loader: any SourceLoader

    public init(
        definitions: [String: String] = [:], kernelHasBTF: Bool = false, loader: any SourceLoader = NoFilesLoader()
    ) {
        self.definitions = definitions
        self.kernelHasBTF = kernelHasBTF
        self.loader = loader
    }
}
