import Foundation

/// A cgroup id as bpftrace's cgroup_path() shows it: `NAME:/path` for every hierarchy mounted
/// under /sys/fs/cgroup that holds a cgroup of that id (its directory's inode), joined by `;`.
/// cgroup2 is named "unified" wherever it is mounted. Looked up when shown, so a reused id
/// may name another cgroup, as in bpftrace.
enum CgroupPaths {
    static func path(of id: UInt64, mounts: String = (try? String(contentsOfFile: "/proc/mounts", encoding: .utf8)) ?? "")
        -> String
    {
        var found: [String] = []
        for line in mounts.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 3, fields[2] == "cgroup" || fields[2] == "cgroup2" else { continue }
            let root = String(fields[1])
            let name = fields[2] == "cgroup2" ? "unified" : (root as NSString).lastPathComponent
            if let relative = find(id, under: root, relative: "", depth: 0) {
                found.append("\(name):\(relative.isEmpty ? "/" : relative)")
            }
        }
        return found.joined(separator: ";")
    }

    /// The directory below `root` whose inode is `id`, as a path from the root.
    private static func find(_ id: UInt64, under root: String, relative: String, depth: Int) -> String? {
        let directory = root + relative
        if relative.isEmpty {
            var info = stat()
            if stat(directory, &info) == 0, UInt64(info.st_ino) == id { return "" }
        }
        guard depth < 64, let handle = opendir(directory) else { return nil }
        defer { closedir(handle) }
        var children: [String] = []
        while let entry = readdir(handle) {
            guard entry.pointee.d_type == UInt8(DT_DIR) else { continue }
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name == "." || name == ".." { continue }
            if UInt64(entry.pointee.d_ino) == id { return relative + "/" + name }
            children.append(name)
        }
        for child in children {
            if let path = find(id, under: root, relative: relative + "/" + child, depth: depth + 1) { return path }
        }
        return nil
    }
}
