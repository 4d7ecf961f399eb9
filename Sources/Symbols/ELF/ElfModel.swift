/// A function symbol of an ELF file.
public struct ElfFunction: Hashable, Sendable {
    public enum Binding: Int, Hashable, Sendable, Comparable {
        // Raw values order preference: a global name is what a user would call the function.
        case global = 0, weak = 1, local = 2, other = 3
        public static func < (a: Binding, b: Binding) -> Bool { a.rawValue < b.rawValue }
    }

    public var name: String
    /// `st_value`: the virtual address in the file's own address space (before any load bias).
    public var value: UInt64
    public var size: UInt64
    public var binding: Binding
    /// STT_GNU_IFUNC: `value` is the resolver that picks an implementation at load time, so
    /// a uprobe there fires once per binding, not once per call.
    public var isIndirect: Bool

    public init(name: String, value: UInt64, size: UInt64, binding: Binding = .global, isIndirect: Bool = false) {
        self.name = name
        self.value = value
        self.size = size
        self.binding = binding
        self.isIndirect = isIndirect
    }
}

/// A PT_LOAD program header: how a range of the file maps into memory.
public struct LoadSegment: Hashable, Sendable {
    public var virtualAddress: UInt64
    public var memorySize: UInt64
    public var fileOffset: UInt64
    public var fileSize: UInt64
    public var isExecutable: Bool

    public init(virtualAddress: UInt64, memorySize: UInt64, fileOffset: UInt64, fileSize: UInt64, isExecutable: Bool) {
        self.virtualAddress = virtualAddress
        self.memorySize = memorySize
        self.fileOffset = fileOffset
        self.fileSize = fileSize
        self.isExecutable = isExecutable
    }

    /// Whether `address` lies in the part of the segment backed by the file (not .bss).
    func containsFileBacked(virtualAddress address: UInt64) -> Bool {
        address >= virtualAddress && address - virtualAddress < fileSize
    }

    func contains(fileOffset offset: UInt64) -> Bool {
        offset >= fileOffset && offset - fileOffset < fileSize
    }
}

/// `e_type` of an ELF header.
public enum ElfFileType: Hashable, Sendable {
    /// ET_EXEC: a fixed-address executable; its addresses are the run-time addresses.
    case executable
    /// ET_DYN: a shared library or a position-independent executable, loaded at a bias.
    case sharedObject
    case relocatable
    case core
    case other(UInt16)
}
