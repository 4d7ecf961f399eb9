import Codegen
import Kernel
import Language

/// The session's one seam to the kernel. Everything above it (live probes, commands, tables)
/// runs against this protocol, so it is unit-tested with an in-memory fake; `LinuxBackend`
/// is the real kernel through libbpf.
public protocol KernelBackend: AnyObject {
    func createMap(_ spec: MapSpec) throws -> BackendMap
    /// Loads one program whose map ids were already replaced by the maps' handles.
    func loadProgram(_ spec: ProgramSpec, maps: [Int32: BackendMap]) throws -> BackendProgram
    /// Attaches a loaded program to its target; nil for BEGIN/END, which are run instead.
    func attach(_ program: BackendProgram, target: ProbeTarget, pid: Int32?) throws -> BackendLink?
    /// Opens the event ring buffer map for reading.
    func openEvents(_ map: BackendMap, handler: @escaping (UnsafeRawBufferPointer) -> Void) throws -> BackendEventSource
    /// Keeps per-program run statistics on while the returned token lives.
    func enableRunStatistics() -> AnyObject?
    /// Why this kernel lacks `feature`, or nil when it has it (or cannot tell): a dry run uses
    /// it to tell "cannot be loaded here" from a fault in the program.
    func missingFeature(_ feature: KernelFeature) -> String?
    /// Starts following every process's executable mappings, so user stacks of processes that
    /// exited resolve; nil where the backend cannot.
    func watchProcessMappings() throws -> ProcessMappingSource?
    /// Detaches `links` for a process about to exit: returns once their programs run no
    /// more, leaving what the kernel does after that to another process where it can.
    func detachLeavingRelease(_ links: [BackendLink])
}

extension KernelBackend {
    public func missingFeature(_ feature: KernelFeature) -> String? { nil }
    public func watchProcessMappings() throws -> ProcessMappingSource? { nil }
    public func detachLeavingRelease(_ links: [BackendLink]) { links.forEach { $0.detach() } }
}

/// The kernel's reports of processes' executable mappings (exec, fork, mmap, exit), read
/// without waiting; see `ProcessMappingWatcher`.
public protocol ProcessMappingSource: AnyObject {
    func drain(_ handle: (ProcessMappingRecord) -> Void)
    func close()
}

/// A map owned by the session.
public protocol BackendMap: AnyObject {
    var spec: MapSpec { get }
    /// Every entry: key bytes and one value per CPU (one element for shared maps).
    func entries() -> [(key: [UInt8], values: [[UInt8]])]
    func lookup(_ key: [UInt8]) -> [[UInt8]]?
    func clear()
    func zeroValues()
    func close()
}

/// A loaded program.
public protocol BackendProgram: AnyObject {
    var name: String { get }
    var instructionCount: Int { get }
    /// Times run and total run time, when run statistics are on.
    func statistics() -> (runs: UInt64, nanoseconds: UInt64)
    /// Runs the program once now (BEGIN and END).
    func run() throws
    func close()
}

/// One attachment; ends with `detach()`.
public protocol BackendLink: AnyObject {
    func detach()
}

/// The event ring buffer's reader.
public protocol BackendEventSource: AnyObject {
    @discardableResult func poll(timeoutMilliseconds: Int32) -> Int32
    @discardableResult func drain() -> Int32
    /// Handles what is waiting, stopping after `maximumRecords` or `nanoseconds`, whichever
    /// comes first; `more` says it stopped with records possibly left (a flood).
    func drain(maximumRecords: Int, nanoseconds: UInt64) -> (handled: Int, more: Bool)
    /// A file descriptor that becomes readable when events are waiting (for a shell that
    /// waits on the terminal and the ring at once), or -1.
    var readinessFD: Int32 { get }
}
