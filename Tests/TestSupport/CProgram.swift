import Foundation

/// A small C program built for a test in a directory of its own, removed with `remove()`:
/// the workloads whose stacks and symbols the real-kernel tests check.
public struct CProgram {
    public let directory: URL
    /// The executable's path.
    public let path: String

    /// Compiles `source` with `compiler` (cc, or c++ for a `.cpp` program) and `flags` into
    /// `directory/name`.
    public static func build(
        _ name: String, source: String, flags: [String], compiler: String = "/usr/bin/cc", suffix: String = "c"
    ) throws -> CProgram {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bpfsh-\(name)-\(getpid())")
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent(name + "." + suffix)
        try source.write(to: file, atomically: true, encoding: .utf8)
        let path = directory.appendingPathComponent(name).path
        let built = try CommandRunner.run(
            URL(fileURLWithPath: compiler), flags + ["-o", path, file.path], readyMarker: nil, timeout: 60)
        guard built.status == 0 else {
            try? FileManager.default.removeItem(at: directory)
            throw BuildFailure(message: "\(compiler) failed on \(name).\(suffix): \(built.stderr)")
        }
        return CProgram(directory: directory, path: path)
    }

    public func remove() { try? FileManager.default.removeItem(at: directory) }

    public struct BuildFailure: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }
}
