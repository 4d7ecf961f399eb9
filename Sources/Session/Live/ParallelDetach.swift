import Foundation

/// Detaches many links at once. Closing a tracepoint's perf event waits for an RCU grace
/// period (about 75 ms here), so 360 `syscalls:sys_enter_*` links closed one after another took
/// 26 s; closed from many threads, the waits overlap and share grace periods. Returns only
/// when every link is gone, reporting progress every 100 ms meanwhile.
enum ParallelDetach {
    static let maximumThreads = 128

    /// `progress(closed, total)` is called on the caller's thread while it waits.
    static func detach(_ links: [BackendLink], progress: ((Int, Int) -> Void)? = nil) {
        // Only real links block in the kernel; the in-memory fake's are not thread-safe.
        guard links.count > 1, links.first is LinuxLink else {
            links.forEach { $0.detach() }
            return
        }
        let threads = min(maximumThreads, links.count)
        let group = DispatchGroup()
        let counter = ClosedCounter()
        for start in 0..<threads {
            group.enter()
            // Threads of their own: the waits block in the kernel, and a dispatch pool sized to
            // the CPUs would run them two at a time.
            let thread = Thread {
                for index in stride(from: start, to: links.count, by: threads) {
                    links[index].detach()
                    counter.add()
                }
                group.leave()
            }
            thread.stackSize = 64 << 10
            thread.start()
        }
        while group.wait(timeout: .now() + .milliseconds(100)) == .timedOut {
            progress?(counter.value, links.count)
        }
    }

    private final class ClosedCounter: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        func add() { lock.withLock { count += 1 } }
        var value: Int { lock.withLock { count } }
    }
}
