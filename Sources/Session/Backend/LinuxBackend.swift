import CBPF
import Codegen
import Foundation
import Kernel
import Language

/// The real kernel: maps, programs and links through the Kernel layer (libbpf).
public final class LinuxBackend: KernelBackend {
    let loader: ProbeLoader

    public init(catalogue: Kernel.ProbeCatalogue) {
        loader = ProbeLoader(catalogue: catalogue)
    }

    /// A backend whose providers (and their feature answers) are the ones the catalogue uses.
    public init(environment: ProviderEnvironment, providers: ProviderRegistry) {
        loader = ProbeLoader(environment: environment, providers: providers)
    }

    public func createMap(_ spec: MapSpec) throws -> BackendMap {
        // Character by character: Foundation's replacingOccurrences costs most of a millisecond
        // on first use (NSString bridging), at every start.
        var name = ""
        for character in spec.name {
            switch character {
            case "@": name += "m_"
            case ".": name += "b_"
            default: name.append(character)
            }
        }
        let map = try LoadedMap(
            name: name,
            described: spec.name.hasPrefix(".")
                ? "bpfsh's \(spec.name.dropFirst()) buffer" : "map \(spec.name)",
            type: spec.type.rawValue, keySize: spec.keySize,
            valueSize: spec.valueSize, maxEntries: spec.maxEntries)
        if !spec.initialValue.isEmpty {
            do {
                try map.update([UInt8](repeating: 0, count: spec.keySize), spec.initialValue)
            } catch {
                map.close()
                throw error
            }
        }
        return LinuxMap(spec: spec, map: map)
    }

    public func loadProgram(_ spec: ProgramSpec, maps: [Int32: BackendMap]) throws -> BackendProgram {
        var fds: [Int32: Int32] = [:]
        for (id, map) in maps {
            guard let linux = map as? LinuxMap else { continue }
            fds[id] = linux.map.fd
        }
        return LinuxProgram(program: try loader.load(spec, fds: fds))
    }

    public func missingFeature(_ feature: KernelFeature) -> String? { loader.environment.unavailable(feature) }

    public func attach(_ program: BackendProgram, target: ProbeTarget, pid: Int32?) throws -> BackendLink? {
        guard let linux = program as? LinuxProgram else { return nil }
        var loader = self.loader
        if let pid { loader.targetPID = pid }
        return try loader.attach(linux.program, target: target).map(LinuxLink.init)
    }

    public func openEvents(
        _ map: BackendMap, handler: @escaping (UnsafeRawBufferPointer) -> Void
    ) throws -> BackendEventSource {
        guard let linux = map as? LinuxMap else { throw KernelError.system(operation: "opening events", errno: EINVAL) }
        return LinuxEvents(ring: try EventRing(map: linux.map, handler: handler))
    }

    public func enableRunStatistics() -> AnyObject? {
        RunStatistics.enable()
    }

    public func watchProcessMappings() throws -> ProcessMappingSource? {
        try ProcessMappingWatcher(cpus: OnlineCPUs.list())
    }

    public func detachLeavingRelease(_ links: [BackendLink]) {
        BackgroundRelease.detach(links.compactMap { ($0 as? LinuxLink)?.link })
    }
}

final class LinuxMap: BackendMap {
    let spec: MapSpec
    let map: LoadedMap
    init(spec: MapSpec, map: LoadedMap) {
        self.spec = spec
        self.map = map
    }
    func entries() -> [(key: [UInt8], values: [[UInt8]])] { map.entries() }
    func lookup(_ key: [UInt8]) -> [[UInt8]]? { map.lookup(key) }
    /// Array slots cannot be deleted: clearing one zeroes it.
    func clear() {
        if spec.type == .perCPUArray || spec.type == .array { map.zeroValues() } else { map.clear() }
    }
    func zeroValues() { map.zeroValues() }
    func close() { map.close() }
}

final class LinuxProgram: BackendProgram {
    let program: LoadedProgram
    init(program: LoadedProgram) { self.program = program }
    var name: String { program.name }
    var instructionCount: Int { program.instructionCount }
    func statistics() -> (runs: UInt64, nanoseconds: UInt64) {
        let stats = program.runStatistics()
        return (stats.runs, stats.nanoseconds)
    }
    func run() throws { try program.testRun() }
    func close() { program.close() }
}

final class LinuxLink: BackendLink {
    let link: AttachedLink
    init(_ link: AttachedLink) { self.link = link }
    func detach() { link.detach() }
}

final class LinuxEvents: BackendEventSource {
    let ring: EventRing
    init(ring: EventRing) { self.ring = ring }
    func poll(timeoutMilliseconds: Int32) -> Int32 { ring.poll(timeoutMilliseconds: timeoutMilliseconds) }
    func drain() -> Int32 { ring.drain() }
    func drain(maximumRecords: Int, nanoseconds: UInt64) -> (handled: Int, more: Bool) {
        ring.drain(maximumRecords: maximumRecords, nanoseconds: nanoseconds)
    }
    var readinessFD: Int32 { ring.epollFD }
}

extension ProcessMappingWatcher: ProcessMappingSource {}
