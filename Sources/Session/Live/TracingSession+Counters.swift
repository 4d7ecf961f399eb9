import Kernel
import Specs

/// What a session counts about itself: events lost per probe, maps that filled, map usage for
/// `monitor`, the probes' run counters, and the kernel's run statistics while they are on.
extension TracingSession {
    /// Events the ring buffer refused, of every probe.
    public var lostEvents: UInt64 {
        guard let map = kernelMaps[InternalMap.lostEvents] else { return 0 }
        return (0..<map.spec.maxEntries).reduce(0) { $0 &+ slotCount(map, slot: $1) }
    }

    /// Events the ring buffer refused from one probe's programs (nil without loss counters).
    public func lostEvents(of probe: LiveProbe) -> UInt64? {
        guard let slot = probe.codegenOptions.firedSlot, let map = kernelMaps[InternalMap.lostEvents], slot < map.spec.maxEntries
        else { return nil }
        return slotCount(map, slot: slot)
    }

    /// The sum over CPUs of a slot of a per-CPU counter array.
    private func slotCount(_ map: BackendMap, slot: Int) -> UInt64 {
        let values = map.lookup(withUnsafeBytes(of: UInt32(slot).littleEndian) { Array($0) }) ?? []
        return values.reduce(0) { $0 &+ word($1, 0) }
    }

    /// Maps that reached their size limit: the kernel refused new keys, so some updates
    /// were dropped. Checked when maps are read instead of counted on every event.
    public func fullMaps() -> [(name: String, limit: Int)] {
        mapInfos.compactMap { info in
            // An LRU map evicts old keys instead of refusing new ones.
            guard let map = kernelMaps["@" + info.name], !info.isArray, info.declaration?.isLRU != true else {
                return nil
            }
            return map.entries().count >= map.spec.maxEntries ? ("@" + info.name, map.spec.maxEntries) : nil
        }
    }

    /// Every user map with its entry count and size limit, for `monitor`. Keyless maps are
    /// one-slot arrays: their "entries" is whether the slot holds anything.
    public func mapUsage() -> [(name: String, entries: Int, limit: Int, isLRU: Bool)] {
        mapInfos.compactMap { info in
            guard let map = kernelMaps["@" + info.name] else { return nil }
            let entries = info.isArray ? ((try? table(info.name).rows.count) ?? 0) : map.entries().count
            return ("@" + info.name, entries, map.spec.maxEntries, info.declaration?.isLRU == true)
        }
    }

    /// Turns the kernel's per-program run statistics on until the returned object is released
    /// (nil when the kernel cannot), so `monitor` measures run time while it is open whatever
    /// the session's default.
    public func enableRunStatistics() -> AnyObject? { backend.enableRunStatistics() }

    /// The sum over CPUs of a slot of the run counters.
    func firedCount(slot: Int) -> UInt64? {
        guard let map = kernelMaps[InternalMap.fired] else { return nil }
        return slotCount(map, slot: slot)
    }

    // MARK: Run statistics

    /// Whether the kernel's run statistics are on for this session.
    public var statisticsEnabled: Bool { statistics != nil }

    /// Turns the kernel's run statistics on or off. While on, the kernel times every run of
    /// every BPF program on the machine (not only this session's), which is why they are off
    /// until asked for; `LiveProbe.runStatistics` counts only what ran while they were on.
    public func setStatistics(_ on: Bool) throws {
        guard on != statisticsEnabled else { return }
        if !on {
            statistics = nil
            return
        }
        guard let token = backend.enableRunStatistics() else { throw SessionError.statisticsRefused }
        statistics = token
    }
}
