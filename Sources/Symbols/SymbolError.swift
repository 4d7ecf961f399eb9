/// Why a symbol source could not be read or a name could not be resolved.
///
/// Every case carries the path or name it concerns, so a caller can print it to the user as
/// is (`description`) or act on the case (e.g. suggest `sudo` on `.kernelAddressesHidden`).
public enum SymbolError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A file could not be opened, read or stat'ed; `errno` is the C error number.
    case cannotRead(path: String, errno: Int32)
    /// The file exists but is not a usable ELF file (bad magic, truncated, corrupt tables).
    case notELF(path: String, reason: String)
    /// /proc/kallsyms lists only zero addresses: the reader lacks CAP_SYSLOG or
    /// kernel.kptr_restrict hides them.
    case kernelAddressesHidden(path: String)
    /// No ELF function of that name in the file (nor in its separate debug file).
    case symbolNotFound(name: String, path: String)
    /// A virtual address that lies in no loadable segment of the file.
    case addressNotInFile(address: UInt64, path: String)
    /// A uprobe target that is no path, library or program we could find; `searched`
    /// says where we looked, in order.
    case targetNotFound(name: String, searched: [String])
    /// The process no longer exists (or its /proc entry is unreadable).
    case processGone(pid: Int32)

    public var description: String {
        switch self {
        case let .cannotRead(path, code):
            return "cannot read \(path): \(errnoText(code))"
        case let .notELF(path, reason):
            return "\(path) is not a usable ELF file: \(reason)"
        case let .kernelAddressesHidden(path):
            return "\(path) hides kernel addresses (needs root or CAP_SYSLOG, or kernel.kptr_restrict=0)"
        case let .symbolNotFound(name, path):
            return "no function \(name) in \(path)"
        case let .addressNotInFile(address, path):
            return "address 0x\(String(address, radix: 16)) is in no loadable segment of \(path)"
        case let .targetNotFound(name, searched):
            return "cannot find \(name) (looked in: \(searched.joined(separator: ", ")))"
        case let .processGone(pid):
            return "process \(pid) does not exist"
        }
    }
}
