import Foundation

/// Tells the user when a session lost data: events the ring buffer refused (it was full),
/// and maps that reached their size limit (the kernel refused new keys, so those updates were
/// dropped). Each loss is reported once, when it is first seen, and again only when it grows.
///
/// The shell checks after every command and while waiting; a full map is found by counting
/// its entries, so that part runs at most once per `interval` seconds unless forced.
public final class LossReporter {
    private var reportedLost: UInt64 = 0
    private var reportedFull: Set<String> = []
    private var lastMapCheck: UInt64 = 0
    private let interval: UInt64

    public init(intervalSeconds: Double = 1) {
        interval = UInt64(intervalSeconds * 1e9)
    }

    /// Warnings about losses since the last call, one line each (empty when nothing new).
    public func check(_ session: TracingSession, force: Bool = false) -> [String] {
        var warnings: [String] = []
        let lost = session.lostEvents
        if lost > reportedLost {
            let new = lost - reportedLost
            // Whose events they were: the probe to quiet down.
            let byProbe = session.probes.compactMap { probe -> String? in
                guard let count = session.lostEvents(of: probe), count > 0 else { return nil }
                return "\(probe.name) \(count)"
            }
            let whose = byProbe.isEmpty ? "" : ": " + byProbe.joined(separator: ", ")
            warnings.append(
                "bpfsh: \(new) event\(new == 1 ? "" : "s") lost: the event ring buffer was full "
                    + "(\(lost) lost in this session\(whose); print less per event or wait/poll more often)")
            reportedLost = lost
        }
        let now = MonotonicClock.nanoseconds()
        if force || now &- lastMapCheck >= interval {
            lastMapCheck = now
            let full = session.fullMaps()
            for map in full where !reportedFull.contains(map.name) {
                warnings.append(
                    "bpfsh: \(map.name) is full (\(map.limit) entries): updates of new keys are being dropped "
                        + "(clear \(map.name) to make room)")
            }
            // A map cleared since is reported again when it fills again.
            reportedFull = Set(full.map(\.name))
        }
        return warnings
    }
}
