import Foundation

/// What a line reader does while it waits for the user: it serves the event pump (one bounded
/// slice at a time) and the output queue, and notices Ctrl-C and termination requests, so
/// typed input is read within one slice however fast probes print.
public final class InputWaiter {
    public enum Outcome { case ready, interrupted, terminated }

    /// The event ring's readiness descriptor, or -1 (asked anew: the ring opens with the first
    /// probe that prints).
    public var eventFD: () -> Int32 = { -1 }
    /// Handles one bounded slice of events (and what follows them: exits, losses).
    public var pumpEvents: (() -> Void)?
    public var output: TerminalOutput?

    public init() {}

    /// Waits until `fd` is readable (or at end of file), Ctrl-C or a termination request.
    public func waitForInput(_ fd: Int32) -> Outcome {
        while true {
            if ShellInterrupt.terminationRequested { return .terminated }
            if ShellInterrupt.isPending { return .interrupted }
            var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
            let events = eventFD()
            if events >= 0 { fds.append(pollfd(fd: events, events: Int16(POLLIN), revents: 0)) }
            let outputFD = output?.pollDescriptor ?? -1
            if outputFD >= 0 { fds.append(pollfd(fd: outputFD, events: Int16(POLLOUT), revents: 0)) }
            let ready = poll(&fds, nfds_t(fds.count), 250)
            if ready < 0 {
                if errno == EINTR { continue }
                return .ready  // let the read report the problem
            }
            if outputFD >= 0 && fds.last!.revents != 0 { output?.flush() }
            // Typed input first: a line is read key by key, and a slice per key would make
            // typing crawl under a flood.
            if fds[0].revents != 0 { return .ready }
            if ready == 0 || (events >= 0 && fds[1].revents != 0) { pumpEvents?() }
        }
    }
}
