import CBPF
import Glibc

/// When a map's elements are allocated: up front by the kernel (its default), or as entries
/// are inserted (`BPF_F_NO_PREALLOC`).
///
/// Preallocating a per-CPU hash map makes one per-CPU allocation per entry: 4-6 ms for the
/// default 4,096 entries on this kind of machine, most of a one-liner's start, and as long
/// again to free at exit. Allocated on insert it is created in ~0.1 ms, and an update of an
/// existing key still writes in place (a new key's element comes from the kernel's per-CPU
/// allocator cache: a burst of new keys in NMI context can find it empty, and that insert
/// fails). Plain hash maps stay preallocated: one allocation
/// makes them cheap to create, and their updates then never allocate. LRU maps must be
/// preallocated.
enum MapAllocation {
    /// `map_flags` for a new map of `type`.
    static func flags(for type: UInt32) -> UInt32 {
        guard type == BPF_MAP_TYPE_PERCPU_HASH.rawValue, insertTimeAllocationIsSafe else { return 0 }
        return UInt32(BPF_F_NO_PREALLOC)
    }

    /// Before Linux 6.1 (bpf_mem_alloc), tracing programs could not rely on allocation at
    /// insert time: the verifier refused such maps in perf_event programs and warned about
    /// them in the others (once per boot, in the kernel log).
    static let insertTimeAllocationIsSafe: Bool = {
        guard let (major, minor) = kernelVersion() else { return false }
        return (major, minor) >= (6, 1)
    }()

    /// The running kernel's major and minor version.
    static func kernelVersion() -> (Int, Int)? { parseVersion(SystemInfo.kernelRelease()) }

    static func parseVersion(_ release: String) -> (Int, Int)? {
        let parts = release.split(whereSeparator: { !$0.isNumber }).prefix(2).compactMap { Int($0) }
        guard parts.count == 2 else { return nil }
        return (parts[0], parts[1])
    }
}
