import Foundation

/// Facts about this process read straight from libc. Foundation's `ProcessInfo` answers the
/// same questions, but its first use reads cgroup files through URLs (the processor count)
/// and copies the whole environment: about a millisecond of every start.
public enum ProcessFacts {
    /// Processors online, as `sysconf` counts them (what BPF per-CPU maps are sized by).
    public static var processorCount: Int { max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))) }

    /// The environment variables whose names start with `prefix`.
    public static func environment(withPrefix prefix: String) -> [String: String] {
        var found: [String: String] = [:]
        var entry = environ
        while let pointer = entry.pointee {
            let text = String(cString: pointer)
            if text.hasPrefix(prefix), let equals = text.firstIndex(of: "=") {
                found[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            entry += 1
        }
        return found
    }

    /// Whether the variable `name` is set.
    public static func isSet(_ name: String) -> Bool { getenv(name) != nil }
}
