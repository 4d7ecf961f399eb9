import Codegen
import Language
import Session

import enum Kernel.KernelError

/// An in-memory kernel for session tests: maps are dictionaries, programs never run, and
/// every operation is logged so tests can assert order (attach before detach...).
public final class FakeKernel: KernelBackend {
    public private(set) var log: [String] = []
    public private(set) var maps: [FakeMap] = []
    public private(set) var programs: [FakeProgram] = []
    public private(set) var links: [FakeLink] = []
    /// Attach points whose attach fails, like a missing tracepoint would.
    public var failingAttachPoints: Set<String> = []
    /// Attach points (`spec.target.name`) whose every program the verifier rejects.
    public var rejectedPrograms: Set<String> = []
    /// A stand-in verifier: the log of its rejection, or nil to accept. The session's
    /// rejection locator reloads variants of a refused probe, so this sees each of them.
    public var verifier: ((ProgramSpec) -> String?)?
    public private(set) var events: FakeEvents?

    public init() {}

    public func createMap(_ spec: MapSpec) throws -> BackendMap {
        let map = FakeMap(spec: spec)
        maps.append(map)
        log.append("create \(spec.name)")
        return map
    }

    public func loadProgram(_ spec: ProgramSpec, maps: [Int32: BackendMap]) throws -> BackendProgram {
        let program = FakeProgram(name: spec.name, target: spec.target.name, instructionCount: spec.instructions.count)
        if let verifierLog = rejectedPrograms.contains(spec.target.name) ? Self.rejectionLog : verifier?(spec) {
            log.append("rejected \(spec.target.name)")
            // The last instruction, as the kernel reports where it stopped.
            throw KernelError.verifierRejected(
                program: spec.name, log: verifierLog, instruction: max(0, spec.instructions.count - 1))
        }
        programs.append(program)
        log.append("load \(spec.target.name)")
        return program
    }

    public func attach(_ program: BackendProgram, target: ProbeTarget, pid: Int32?) throws -> BackendLink? {
        if target.kind == .begin || target.kind == .end { return nil }
        if failingAttachPoints.contains(target.name) {
            log.append("attach failed \(target.name)")
            throw FakeKernelError.attachFailed(target.name)
        }
        let link = FakeLink(target: target.name, kernel: self)
        links.append(link)
        log.append("attach \(target.name)")
        return link
    }

    public func openEvents(
        _ map: BackendMap, handler: @escaping (UnsafeRawBufferPointer) -> Void
    ) throws -> BackendEventSource {
        let source = FakeEvents(handler: handler)
        events = source
        return source
    }

    /// Whether the kernel refuses run statistics (as without CAP_SYS_ADMIN).
    public var refusesStatistics = false
    /// Run statistics tokens handed out and not yet released.
    public private(set) var statisticsHolders = 0

    public func enableRunStatistics() -> AnyObject? {
        guard !refusesStatistics else { return nil }
        statisticsHolders += 1
        return StatisticsToken { [weak self] in self?.statisticsHolders -= 1 }
    }

    final class StatisticsToken {
        let release: () -> Void
        init(release: @escaping () -> Void) { self.release = release }
        deinit { release() }
    }

    func record(_ line: String) { log.append(line) }

    /// Attach points of the links detached with their release left to another process (by a
    /// process about to exit).
    public private(set) var leftForRelease: [String] = []

    public func detachLeavingRelease(_ links: [BackendLink]) {
        for link in links {
            if let fake = link as? FakeLink, fake.isAttached { leftForRelease.append(fake.target) }
            link.detach()
        }
    }

    /// Links still attached.
    public var attached: [String] { links.filter { $0.isAttached }.map(\.target) }
    /// Maps not yet closed.
    public var openMaps: [String] { maps.filter { !$0.closed }.map(\.spec.name) }
    public var openPrograms: [String] { programs.filter { !$0.closed }.map(\.target) }
}

extension FakeKernel {
    /// A log in the shape the kernel writes (instructions, then the reason, then statistics).
    public static let rejectionLog = """
        0: R1=ctx() R10=fp0
        0: (bf) r6 = r1                       ; R1=ctx() R6_w=ctx()
        1: (85) call bpf_get_current_comm#16
        R1 type=ctx expected=fp, pkt, pkt_meta, map_key, map_value, mem, ringbuf_mem, buf, trusted_ptr_
        processed 2 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0
        """

    /// Whether a program calls BPF helper `id` (a `call` instruction, opcode 0x85, src_reg 0).
    public static func calls(_ spec: ProgramSpec, helper id: Int32) -> Bool {
        spec.instructions.contains {
            $0 & 0xff == 0x85 && ($0 >> 12) & 0xf == 0 && Int32(truncatingIfNeeded: $0 >> 32) == id
        }
    }
}

public enum FakeKernelError: Error {
    case attachFailed(String)
}

public final class FakeMap: BackendMap {
    public let spec: MapSpec
    public var storage: [[UInt8]: [[UInt8]]] = [:]
    public private(set) var closed = false
    /// Called before every read, so a test can make the map grow as probes would.
    public var beforeRead: ((FakeMap) -> Void)?
    init(spec: MapSpec) {
        self.spec = spec
        if !spec.initialValue.isEmpty { storage[[UInt8](repeating: 0, count: spec.keySize)] = [spec.initialValue] }
    }
    public func entries() -> [(key: [UInt8], values: [[UInt8]])] {
        beforeRead?(self)
        return storage.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map { ($0.key, $0.value) }
    }
    public func lookup(_ key: [UInt8]) -> [[UInt8]]? { storage[key] }
    public func clear() { storage = [:] }
    public func zeroValues() {
        for key in storage.keys { storage[key] = storage[key]!.map { [UInt8](repeating: 0, count: $0.count) } }
    }
    public func close() { closed = true }
}

public final class FakeProgram: BackendProgram {
    public let name: String
    public let target: String
    public let instructionCount: Int
    public var runs: UInt64 = 0
    public private(set) var closed = false
    init(name: String, target: String, instructionCount: Int) {
        self.name = name
        self.target = target
        self.instructionCount = instructionCount
    }
    public func statistics() -> (runs: UInt64, nanoseconds: UInt64) { (runs, runs * 100) }
    public func run() throws { runs += 1 }
    public func close() { closed = true }
}

public final class FakeLink: BackendLink {
    public let target: String
    weak var kernel: FakeKernel?
    public private(set) var isAttached = true
    init(target: String, kernel: FakeKernel) {
        self.target = target
        self.kernel = kernel
    }
    public func detach() {
        guard isAttached else { return }
        isAttached = false
        kernel?.record("detach \(target)")
    }
}

public final class FakeEvents: BackendEventSource {
    let handler: (UnsafeRawBufferPointer) -> Void
    public var pending: [[UInt8]] = []
    init(handler: @escaping (UnsafeRawBufferPointer) -> Void) { self.handler = handler }
    public func push(_ record: [UInt8]) { pending.append(record) }
    public func poll(timeoutMilliseconds: Int32) -> Int32 { drain() }
    public func drain() -> Int32 {
        let records = pending
        pending = []
        for record in records { record.withUnsafeBytes(handler) }
        return Int32(records.count)
    }
    public func drain(maximumRecords: Int, nanoseconds: UInt64) -> (handled: Int, more: Bool) {
        let taken = pending.prefix(maximumRecords)
        pending.removeFirst(taken.count)
        for record in taken { record.withUnsafeBytes(handler) }
        return (taken.count, !pending.isEmpty)
    }
    public var readinessFD: Int32 { -1 }
}
