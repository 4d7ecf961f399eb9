import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// What a frame-pointer unwinder can vouch for about one frame of a user stack.
public struct UserFrameFacts: Hashable, Sendable {
    /// `name+offset`, or `0x…` when unknown: the frame as printed.
    public var text: String
    public var address: UInt64
    public var function: String?
    /// The file holding the frame's code.
    public var module: String?
    /// Whether the frame's function sets up `%rbp` (nil: unknown, e.g. no symbol or no file).
    public var setsUpFramePointer: Bool?
    /// Whether the instruction before the address is a call (nil: unknown).
    public var followsCall: Bool?

    public init(
        text: String, address: UInt64, function: String? = nil, module: String? = nil,
        setsUpFramePointer: Bool? = nil, followsCall: Bool? = nil
    ) {
        self.text = text
        self.address = address
        self.function = function
        self.module = module
        self.setsUpFramePointer = setsUpFramePointer
        self.followsCall = followsCall
    }
}

/// Flags the places where a frame-pointer walk of a user stack cannot be trusted, instead of
/// printing what it read there as if it were a caller.
///
/// Frame N+1 comes from the frame that frame N's function set up. When that function keeps no
/// frame pointer (glibc and most distribution libraries are built so), the walk reads some
/// older frame: callers are skipped silently, or the words read are not code addresses at all.
/// The first case gets a marker frame, the second ends the stack with one.
public enum UserStackAudit {
    /// - Parameter entryCallerInserted: frame 0 is a function's first instruction and frame 1
    ///   its return address read from the top of the stack, so frame 0's own prologue (not run
    ///   yet) does not matter.
    public static func frames(_ frames: [UserFrameFacts], entryCallerInserted: Bool) -> [String] {
        guard let first = frames.first else { return [] }
        var out = [first.text]
        for index in frames.indices.dropFirst() {
            let previous = frames[index - 1]
            let frame = frames[index]
            let previousOmits =
                previous.setsUpFramePointer == false && !(index == 1 && entryCallerInserted)
            if frame.followsCall == false {
                out.append(
                    previousOmits
                        ? "[unwinding stopped: \(describe(previous)) keeps no frame pointer]"
                        : "[unwinding stopped: 0x\(String(frame.address, radix: 16)) is not a return address]")
                break
            }
            if previousOmits {
                out.append("[frames may be missing: \(describe(previous)) keeps no frame pointer]")
            }
            out.append(frame.text)
        }
        // The walk ended where a function keeps no frame pointer: its callers were lost there,
        // unless it is where every stack of a process or thread begins.
        if out.count == frames.count, let last = frames.last, last.setsUpFramePointer == false,
            !(frames.count == 1 && entryCallerInserted), !isStackBottom(last.function)
        {
            out.append("[unwinding stopped: \(describe(last)) keeps no frame pointer]")
        }
        return out
    }

    /// Functions that start a process or a thread: nothing calls them from user code.
    static func isStackBottom(_ function: String?) -> Bool {
        guard let function else { return false }
        return ["_start", "__libc_start_call_main", "__libc_start_main", "__libc_start_main_impl",
            "start_thread", "clone", "clone3", "__clone", "__clone3", "__clone_internal"].contains(function)
    }

    static func describe(_ frame: UserFrameFacts) -> String {
        let name = frame.function ?? "0x" + String(frame.address, radix: 16)
        guard let module = frame.module else { return name }
        let file = module.split(separator: "/").last.map(String.init) ?? module
        return "\(name) in \(file)"
    }
}

extension UserSymbolizer {
    /// A frame with what its code says about the walk through it (x86-64 only: elsewhere the
    /// facts stay unknown and the frame is printed as walked).
    public func frameFacts(_ address: UInt64, pid: Int32) -> UserFrameFacts {
        var facts = UserFrameFacts(text: symbolize(address, pid: pid), address: address)
        #if arch(x86_64)
            // Above the 47-bit user half: a word the walk read where no frame was.
            if address > 0x7FFF_FFFF_FFFF { facts.followsCall = false }
            guard let (table, virtualAddress) = locateInFile(address, pid: pid) else { return facts }
            facts.module = table.path
            if virtualAddress >= UInt64(X86Code.callWindow),
                let before = CodeBytes.shared.read(table, at: virtualAddress - UInt64(X86Code.callWindow), count: X86Code.callWindow)
            {
                facts.followsCall = X86Code.endsWithCall(before)
            }
            if let function = table.function(containing: virtualAddress) {
                facts.function = demangle ? Demangler.demangle(function.name) : function.name
                if let prologue = CodeBytes.shared.read(table, at: function.value, count: 8) {
                    facts.setsUpFramePointer = X86Code.setsUpFramePointer(prologue: prologue)
                }
            }
        #endif
        return facts
    }
}

/// Code bytes of ELF files by virtual address, read from the file once per place asked.
final class CodeBytes: Sendable {
    static let shared = CodeBytes()

    private struct Place: Hashable {
        var path: String
        var address: UInt64
        var count: Int
    }

    private let cache = Mutex<[Place: [UInt8]?]>([:])
    /// Unique frames are few (stacks are symbolized once each); the bound only guards a
    /// session running for days.
    private static let limit = 65_536

    func read(_ table: ElfSymbolTable, at address: UInt64, count: Int) -> [UInt8]? {
        let place = Place(path: table.path, address: address, count: count)
        if let cached = cache.withLock({ $0[place] }) { return cached }
        let bytes = Self.readFile(table, at: address, count: count)
        cache.withLock { cache in
            if cache.count >= Self.limit { cache.removeAll() }
            cache[place] = .some(bytes)
        }
        return bytes
    }

    private static func readFile(_ table: ElfSymbolTable, at address: UInt64, count: Int) -> [UInt8]? {
        // Both ends inside the file-backed part of one segment: .bss has no bytes to read.
        guard let offset = table.fileOffset(ofVirtualAddress: address),
            table.fileOffset(ofVirtualAddress: address + UInt64(count - 1)) == offset + UInt64(count - 1)
        else { return nil }
        let fd = open(table.path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { return nil }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: count)
        let got = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count, off_t(offset)) }
        return got == count ? bytes : nil
    }
}
