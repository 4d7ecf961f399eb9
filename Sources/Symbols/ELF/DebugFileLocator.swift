/// Finds the separate debug file of a stripped ELF file, in gdb's search order.
enum DebugFileLocator {
    static let debugRoot = "/usr/lib/debug"

    static func find(for path: String, buildID: String?, debugLink: String?) -> String? {
        var candidates: [String] = []
        if let buildID, buildID.utf8.count > 2 {
            let split = buildID.index(buildID.startIndex, offsetBy: 2)
            candidates.append("\(debugRoot)/.build-id/\(buildID[..<split])/\(buildID[split...]).debug")
        }
        if let debugLink {
            let directory = path.utf8.lastIndex(of: UInt8(ascii: "/")).map { String(path[..<$0]) } ?? "."
            candidates += [
                "\(directory)/\(debugLink)",
                "\(directory)/.debug/\(debugLink)",
                "\(debugRoot)\(directory.hasPrefix("/") ? "" : "/")\(directory)/\(debugLink)",
            ]
        }
        let own = FileIO.status(path).map(FileIdentity.init)
        for candidate in candidates where FileIO.isRegularFile(candidate) {
            // A debug link may name the file itself (same directory, same name).
            if let own, let other = FileIO.status(candidate).map(FileIdentity.init),
                own.device == other.device && own.inode == other.inode
            {
                continue
            }
            return candidate
        }
        return nil
    }
}
