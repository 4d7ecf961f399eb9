import Foundation

/// Detaches many links at once. Closing a tracepoint's perf event waits for an RCU grace
/// period (about 75 ms here), so 360 `syscalls:sys_enter_*` links closed one after another took
/// 26 s; closed from several threads, the waits overlap and share grace periods.
enum ParallelDetach {
    static let maximumThreads = 32

    static func detach(_ links: [BackendLink]) {
        guard links.count > 1 else {
            links.first?.detach()
            return
        }
        let threads = min(maximumThreads, links.count)
        let group = DispatchGroup()
        for start in 0..<threads {
            group.enter()
            // Threads of their own: the waits block in the kernel, and a dispatch pool sized to
            // the CPUs would run them two at a time.
            let thread = Thread {
                for index in stride(from: start, to: links.count, by: threads) { links[index].detach() }
                group.leave()
            }
            thread.stackSize = 64 << 10
            thread.start()
        }
        group.wait()
    }
}
