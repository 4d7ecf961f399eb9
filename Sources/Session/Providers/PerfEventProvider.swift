import Kernel
import Language

/// `software:` and `hardware:` perf events by name, sampled every COUNT events on every CPU.
struct PerfEventProvider: ProbeProvider {
    let descriptor: ProviderDescriptor
    let events: PerfEventDescription.Provider

    func expand(_ target: ProbeTarget, in environment: ProviderEnvironment) throws -> [ProbeTarget] {
        let kind = target.kind.rawValue
        guard PerfEventCatalogue.event(events, named: target.parts[0]) != nil else {
            throw Language.CatalogueError(
                "unknown \(kind) event '\(target.parts[0])'", notes: ["list them with: bpfsh -l '\(kind):*'"])
        }
        if !environment.verifyOnly, let feature = descriptor.requires, feature != .perfSampling,
            let reason = environment.unavailable(feature)
        {
            throw Language.CatalogueError(
                "\(kind) events cannot be used here: \(reason)", notes: descriptor.unavailableNote.map { [$0] } ?? [])
        }
        return [target]
    }

    func attach(
        _ program: LoadedProgram, to target: ProbeTarget, pid: Int32, in environment: ProviderEnvironment
    ) throws -> AttachedLink? {
        guard let event = PerfEventCatalogue.event(events, named: target.parts[0]) else {
            throw KernelError.attachFailed(attachPoint: target.name, reason: "unknown event")
        }
        let period = target.parts.count > 1 ? UInt64(target.parts[1]) ?? event.defaultPeriod : event.defaultPeriod
        return try Attacher.perfEvent(
            program, type: event.perfType, config: event.perfConfig, period: period, cpus: OnlineCPUs.list(),
            attachPoint: target.name)
    }
}
