/// What completion needs to know about the live system; the shell gives it the running
/// kernel's catalogue, tests a fixed list.
public protocol CompletionSource {
    func tracepointCategories() -> [String]
    func tracepointEvents(in category: String) -> [String]
    func tracepointFields(category: String, event: String) -> [String]
    func rawTracepoints() -> [String]
    func softwareEvents() -> [String]
    /// Functions of a uprobe target (a path or a library name such as `libc`).
    func functions(in binary: String, prefix: String) -> [String]
    /// Paths and program names that start with `prefix`, for uprobe targets.
    func binaries(prefix: String) -> [String]
}
