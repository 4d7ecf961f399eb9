import Codegen
import Foundation
import Kernel
import Language
import Symbols

/// Loads compiled programs into the kernel and attaches each to its attach point.
///
/// Consumes `ProgramSpec`s whose maps already exist (`MapReferences.patch` turns their ids
/// into fds); produces loaded programs and links, or a `KernelError` naming the attach
/// point and the reason.
public struct ProbeLoader {
    public let catalogue: Kernel.ProbeCatalogue
    public var targetPID: Int32 = -1

    public init(catalogue: Kernel.ProbeCatalogue) { self.catalogue = catalogue }

    /// Loads a program, replacing its map ids with the file descriptors in `fds`.
    public func load(_ spec: ProgramSpec, fds: [Int32: Int32]) throws -> LoadedProgram {
        let instructions = try MapReferences.patch(spec.instructions, ids: fds)
        var options = LoadedProgram.LoadOptions()
        switch spec.target.kind {
        case .tpBTF:
            options.expectedAttachType = 23 /* BPF_TRACE_RAW_TP */
            options.attachBTFID = try btfID { try catalogue.tracepointBTFTypeID(spec.target.parts[0]) }
        case .fentry, .fexit:
            options.expectedAttachType =
                spec.target.kind == .fentry ? 24 /* BPF_TRACE_FENTRY */ : 25 /* BPF_TRACE_FEXIT */
            guard let id = try? catalogue.btf().functionID(spec.target.parts.last!) else {
                throw KernelError.attachFailed(
                    attachPoint: spec.target.name, reason: "no BTF function named \(spec.target.parts.last!)")
            }
            options.attachBTFID = id
        case .kprobe, .kretprobe, .uprobe, .uretprobe:
            break
        default: break
        }
        return try LoadedProgram(
            name: spec.name, type: spec.type.rawValue, instructions: instructions, options: options)
    }

    private func btfID(_ body: () throws -> UInt32) throws -> UInt32 {
        do { return try body() } catch {
            throw KernelError.notSupported(feature: "tp_btf", reason: "\(error)")
        }
    }

    /// Attaches a loaded program; BEGIN and END are not attached (they are run).
    public func attach(_ program: LoadedProgram, target: ProbeTarget) throws -> AttachedLink? {
        switch target.kind {
        case .begin, .end:
            return nil
        case .tracepoint:
            let id: Int
            do { id = try catalogue.tracepointID(category: target.parts[0], event: target.parts[1]) } catch {
                throw KernelError.attachFailed(attachPoint: target.name, reason: "\(error)")
            }
            return try Attacher.tracepoint(program, id: UInt64(id), name: target.name)
        case .rawtracepoint:
            return try Attacher.rawTracepoint(program, name: target.parts[0], displayName: target.name)
        case .tpBTF, .fentry, .fexit:
            return try Attacher.tracing(program, displayName: target.name)
        case .profile, .interval:
            var period: UInt64 = 0, frequency: UInt64 = 0
            switch target.rate {
            case .frequency(let hz): frequency = hz
            case .periodNanoseconds(let ns): period = ns
            case nil: break
            }
            // interval fires on one CPU; profile samples every CPU.
            let cpus = target.kind == .interval ? [Int32(0)] : onlineCPUs()
            return try Attacher.perfEvent(
                program, type: 1 /* PERF_TYPE_SOFTWARE */, config: 0 /* CPU_CLOCK */,
                period: period, frequency: frequency, cpus: cpus, attachPoint: target.name)
        case .software, .hardware:
            let provider: PerfEventDescription.Provider = target.kind == .software ? .software : .hardware
            guard let event = PerfEventCatalogue.event(provider, named: target.parts[0]) else {
                throw KernelError.attachFailed(attachPoint: target.name, reason: "unknown event")
            }
            let period = target.parts.count > 1 ? UInt64(target.parts[1]) ?? event.defaultPeriod : event.defaultPeriod
            return try Attacher.perfEvent(
                program, type: event.perfType, config: event.perfConfig, period: period,
                cpus: onlineCPUs(), attachPoint: target.name)
        case .uprobe, .uretprobe:
            let path = target.parts[0]
            let offset: UInt64
            do { offset = try ElfCache.shared.table(for: path).uprobeOffset(of: target.parts[1]) } catch {
                throw KernelError.attachFailed(attachPoint: target.name, reason: "\(error)")
            }
            return try Attacher.dynamicProbe(
                program, pmu: "uprobe", target: path, offset: offset,
                isReturn: target.kind == .uretprobe, pid: targetPID, attachPoint: target.name)
        case .kprobe, .kretprobe:
            return try Attacher.dynamicProbe(
                program, pmu: "kprobe", target: target.parts.last!, offset: 0,
                isReturn: target.kind == .kretprobe, attachPoint: target.name)
        case .usdt:
            throw KernelError.notSupported(feature: "usdt", reason: "usdt probes are not implemented yet")
        }
    }

    func onlineCPUs() -> [Int32] {
        let text = (try? String(contentsOfFile: "/sys/devices/system/cpu/online", encoding: .utf8)) ?? "0"
        var cpus: [Int32] = []
        for part in text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",") {
            let bounds = part.split(separator: "-").compactMap { Int32($0) }
            if bounds.count == 2 {
                cpus += Array(bounds[0]...bounds[1])
            } else if let one = bounds.first {
                cpus.append(one)
            }
        }
        return cpus.isEmpty ? [0] : cpus
    }
}
