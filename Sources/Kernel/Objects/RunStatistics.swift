import CBPF
import Glibc

/// Turns on the kernel's per-program run counters (`bpf_enable_stats`) for as long as this
/// object lives, so `show` and `probes` can say what a run of each probe costs. While on, the
/// kernel times every run of every BPF program on the machine.
public final class RunStatistics {
    private let fd: Int32

    private init(fd: Int32) { self.fd = fd }
    deinit { Glibc.close(fd) }

    /// nil when the kernel refuses (older kernels, missing privilege): counts then read 0.
    public static func enable() -> RunStatistics? {
        let fd = cbpf_bpf_enable_stats()
        return fd >= 0 ? RunStatistics(fd: fd) : nil
    }
}
