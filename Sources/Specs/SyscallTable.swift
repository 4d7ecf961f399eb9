/// System call numbers and names of one architecture, kept as data: the kernel exports no
/// table (its BTF has the handlers but not their numbers) and the distribution's headers lag
/// the kernel. `scripts/generate-syscall-table` writes the rows; `kernelVersion` says how
/// recent they are.
public struct SyscallTable: Sendable {
    public let kernelVersion: String
    public let names: [Int: String]

    public init(kernelVersion: String, names: [Int: String]) {
        self.kernelVersion = kernelVersion
        self.names = names
    }

    /// The table for the machine bpfsh runs on (x86-64 is the one kept).
    public static var native: SyscallTable { .x86_64 }

    public func name(_ number: Int) -> String? { names[number] }

    public func number(_ name: String) -> Int? { numbers[name] }

    private var numbers: [String: Int] {
        Dictionary(names.map { ($0.value, $0.key) }, uniquingKeysWith: { first, _ in first })
    }
}
