import Foundation
import Kernel
import Language

/// `interval:` and `profile:`: a CPU-clock perf event at a period or frequency; interval fires
/// on one CPU, profile samples every CPU.
struct TimerProvider: ProbeProvider {
    let descriptor: ProviderDescriptor
    let everyCPU: Bool

    func expand(_ target: ProbeTarget, in environment: ProviderEnvironment) throws -> [ProbeTarget] { [target] }

    func attach(
        _ program: LoadedProgram, to target: ProbeTarget, pid: Int32, in environment: ProviderEnvironment
    ) throws -> AttachedLink? {
        var period: UInt64 = 0, frequency: UInt64 = 0
        switch target.rate {
        case .frequency(let hz): frequency = hz
        case .periodNanoseconds(let ns): period = ns
        case nil: break
        }
        return try Attacher.perfEvent(
            program, type: 1 /* PERF_TYPE_SOFTWARE */, config: 0 /* CPU_CLOCK */,
            period: period, frequency: frequency, cpus: everyCPU ? OnlineCPUs.list() : [0], attachPoint: target.name)
    }
}

/// The CPUs perf events are opened on.
enum OnlineCPUs {
    static func list() -> [Int32] {
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
