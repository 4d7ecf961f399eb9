import Foundation
import Language

/// Reads included and imported files from the file system, relative to the including file.
/// Like bpftrace, it refuses files in world-writable directories (anyone could have put them
/// there, and the program runs as root); a sticky one such as /tmp only lets owners replace
/// files, so it is accepted.
public struct FileSourceLoader: SourceLoader {
    public init() {}

    public func resolve(_ path: String, from includingPath: String?) -> String {
        if path.hasPrefix("/") { return (path as NSString).standardizingPath }
        let base =
            includingPath.map { ($0 as NSString).deletingLastPathComponent } ?? FileManager.default.currentDirectoryPath
        let directory = base.isEmpty ? FileManager.default.currentDirectoryPath : base
        return ((directory as NSString).appendingPathComponent(path) as NSString).standardizingPath
    }

    public func read(_ resolvedPath: String) throws -> String {
        let directory = (resolvedPath as NSString).deletingLastPathComponent
        var status = stat()
        if stat(directory, &status) == 0, status.st_mode & S_IWOTH != 0, status.st_mode & S_ISVTX == 0 {
            throw SourceLoadError("its directory \(directory) is world-writable")
        }
        guard let data = FileManager.default.contents(atPath: resolvedPath) else {
            throw SourceLoadError("no such file")
        }
        return String(decoding: data, as: UTF8.self)
    }

    public func directoryEntries(_ resolvedPath: String) -> [String]? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: resolvedPath, isDirectory: &isDirectory), isDirectory.boolValue
        else { return nil }
        return (try? FileManager.default.contentsOfDirectory(atPath: resolvedPath)) ?? []
    }
}
