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

/// Progress through tutorials, kept in `$XDG_STATE_HOME/bpfsh/tutorials.json` (by default
/// `$HOME/.local/state/bpfsh`, or `$BPFSH_STATE_DIR`) so a learner picks up where they left off;
/// a fresh `HOME` is a fresh learner.
public struct TutorialProgress: Codable, Equatable {
    public struct Entry: Codable, Equatable {
        public var nextStep = 0
        public var completed: Set<Int> = []
    }
    public var tutorials: [String: Entry] = [:]

    public static func path(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let directory = environment["BPFSH_STATE_DIR"], !directory.isEmpty { return directory + "/tutorials.json" }
        return UserDirectories.state(environment: environment) + "/bpfsh/tutorials.json"
    }

    /// Records a step: merged into what the file holds now (steps done in another session or
    /// another tutorial are kept), then written atomically.
    public static func record(
        _ tutorial: String, nextStep: Int, completed: Int? = nil, at path: String = path()
    ) throws {
        var progress = load(from: path)
        progress.tutorials[tutorial, default: .init()].nextStep = nextStep
        if let completed { progress.tutorials[tutorial, default: .init()].completed.insert(completed) }
        try progress.save(to: path)
    }

    /// One mark per step: ✓ done, › next, · not yet.
    public func stepMarks(_ tutorial: String, steps: Int) -> String {
        let entry = tutorials[tutorial] ?? Entry()
        return String(
            (0..<steps).map { entry.completed.contains($0) ? "✓" : ($0 == entry.nextStep ? "›" : "·") })
    }

    public static func load(from path: String = path()) -> TutorialProgress {
        guard let data = FileManager.default.contents(atPath: path),
            let progress = try? JSONDecoder().decode(TutorialProgress.self, from: data)
        else { return TutorialProgress() }
        return progress
    }

    public func save(to path: String = path()) throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        try SafeFileWriter.write(String(decoding: try encoder.encode(self), as: UTF8.self), to: path, force: true)
    }
}
