/// Why the catalogue could not answer a question about the kernel's probe points.
public enum CatalogueError: Error, Sendable, Hashable, CustomStringConvertible {
    /// tracefs is unavailable, so no tracepoint list, format or id can be read.
    case traceFS(TraceFSError)
    /// Kernel BTF is unavailable or does not know the name.
    case btf(BTFError)
    /// The tracepoint does not exist on this kernel; `similar` holds close names that do.
    case noSuchTracepoint(category: String, event: String, similar: [String])
    /// A name that cannot be a tracefs path component (`..`, `/`, empty).
    case invalidName(String)
    /// The format file was read but holds no fields (truncated or not a format file).
    case emptyFormat(path: String)
    /// kprobe functions were asked for on a kernel without kprobes.
    case kprobesUnavailable(reason: String)

    public var description: String {
        switch self {
        case let .traceFS(error):
            return error.description
        case let .btf(error):
            return error.description
        case let .noSuchTracepoint(category, event, similar):
            let hint =
                similar.isEmpty
                ? "" : "; did you mean " + similar.map { "tracepoint:\($0)" }.joined(separator: ", ") + "?"
            return "tracepoint:\(category):\(event) does not exist on this kernel\(hint)"
        case let .invalidName(name):
            return "'\(name)' is not a valid tracepoint category or event name"
        case let .emptyFormat(path):
            return "\(path) describes no fields"
        case let .kprobesUnavailable(reason):
            return "kprobes are not available: \(reason)"
        }
    }
}
