import Foundation

/// Where tutorials live and how far the learner got in each.
public struct TutorialLibrary {
    public let directory: String?

    public init(directory: String? = TutorialLibrary.defaultDirectory()) { self.directory = directory }

    /// `$BPFSH_TUTORIALS`, else a `tutorials` folder beside the executable or above it (a
    /// checkout's `.build/...`), else the installed `/usr/share/bpfsh/tutorials`, else `./tutorials`.
    public static func defaultDirectory() -> String? {
        let fm = FileManager.default
        if let path = ProcessInfo.processInfo.environment["BPFSH_TUTORIALS"] { return path }
        var folder = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()
            .deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = folder.appendingPathComponent("tutorials").path
            if fm.fileExists(atPath: candidate) { return candidate }
            folder.deleteLastPathComponent()
        }
        for candidate in ["/usr/share/bpfsh/tutorials", fm.currentDirectoryPath + "/tutorials"]
        where fm.fileExists(atPath: candidate) {
            return candidate
        }
        return nil
    }

    /// Tutorial names (file names without `.md`), sorted.
    public func names() -> [String] {
        guard let directory, let files = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            return []
        }
        return files.filter { $0.hasSuffix(".md") && $0 != "README.md" }.map { String($0.dropLast(3)) }.sorted()
    }

    public func load(_ name: String) throws -> Tutorial {
        guard let directory else {
            throw CommandError("no tutorials folder found: set BPFSH_TUTORIALS to the tutorials directory")
        }
        let path = directory + "/" + name + ".md"
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else {
            let known = names()
            throw CommandError(
                "no tutorial '\(name)'" + (known.isEmpty ? "" : ": there are " + known.joined(separator: ", ")))
        }
        return try Tutorial(name: name, path: path, text: text)
    }
}

/// Progress through tutorials, kept in `~/.local/state/bpfsh/tutorials.json` (or under
/// `$BPFSH_STATE_DIR`) so a learner picks up where they left off.
public struct TutorialProgress: Codable, Equatable {
    public struct Entry: Codable, Equatable {
        public var nextStep = 0
        public var completed: Set<Int> = []
    }
    public var tutorials: [String: Entry] = [:]

    public static func path() -> String {
        let env = ProcessInfo.processInfo.environment
        let directory = env["BPFSH_STATE_DIR"] ?? (NSHomeDirectory() + "/.local/state/bpfsh")
        return directory + "/tutorials.json"
    }

    public static func load(from path: String = path()) -> TutorialProgress {
        guard let data = FileManager.default.contents(atPath: path),
            let progress = try? JSONDecoder().decode(TutorialProgress.self, from: data)
        else { return TutorialProgress() }
        return progress
    }

    public func save(to path: String = path()) {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        guard let data = try? JSONEncoder().encode(self) else { return }
        try? SafeFileWriter.write(String(decoding: data, as: UTF8.self), to: path, force: true)
    }
}
