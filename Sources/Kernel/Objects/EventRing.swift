import CBPF
import Glibc

/// Reads records from a BPF ring buffer map and hands each to a handler.
public final class EventRing {
    public typealias Handler = (UnsafeRawBufferPointer) -> Void
    private var ring: OpaquePointer?
    private let box: HandlerBox

    private final class HandlerBox {
        let handler: Handler
        /// While a bounded drain runs: records left, and the monotonic time it must stop at.
        var recordsLeft = Int.max
        var deadline: UInt64 = .max
        var stoppedEarly = false
        init(_ handler: @escaping Handler) { self.handler = handler }

        /// Whether the bounded drain must stop after this record (checked every 64 records
        /// for the time, which costs a clock read).
        func spend() -> Bool {
            recordsLeft -= 1
            if recordsLeft <= 0 || (recordsLeft & 63 == 0 && EventRing.now() >= deadline) {
                stoppedEarly = true
                return true
            }
            return false
        }
    }

    public init(map: LoadedMap, handler: @escaping Handler) throws {
        box = HandlerBox(handler)
        let context = Unmanaged.passUnretained(box).toOpaque()
        ring = ring_buffer__new(
            map.fd,
            { context, data, size in
                guard let context, let data else { return 0 }
                let box = Unmanaged<HandlerBox>.fromOpaque(context).takeUnretainedValue()
                box.handler(UnsafeRawBufferPointer(start: data, count: Int(size)))
                // A negative return makes libbpf store the consumer position past this record
                // and stop: the rest stays in the ring for the next slice.
                return box.spend() ? -EAGAIN : 0
            }, context, nil)
        if ring == nil { throw KernelError.from("opening the ring buffer", errno: errno) }
    }

    deinit { ring_buffer__free(ring) }

    /// Waits up to `timeout` milliseconds and dispatches what arrived; returns the count.
    @discardableResult
    public func poll(timeoutMilliseconds: Int32) -> Int32 {
        ring_buffer__poll(ring, timeoutMilliseconds)
    }

    /// Dispatches whatever is already there without waiting.
    @discardableResult
    public func drain() -> Int32 { ring_buffer__consume(ring) }

    /// Dispatches what is already there, stopping after `maximumRecords` records or once
    /// `nanoseconds` have passed, whichever comes first, so a flood cannot hold the caller.
    /// Returns how many were handled and whether it stopped with records possibly left.
    public func drain(maximumRecords: Int, nanoseconds: UInt64) -> (handled: Int, more: Bool) {
        box.recordsLeft = maximumRecords
        box.deadline = EventRing.now() &+ nanoseconds
        box.stoppedEarly = false
        defer {
            box.recordsLeft = .max
            box.deadline = .max
        }
        ring_buffer__consume(ring)
        let handled = maximumRecords - box.recordsLeft
        return (handled, box.stoppedEarly)
    }

    static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }

    /// The epoll fd, for callers that multiplex it with other inputs.
    public var epollFD: Int32 { ring_buffer__epoll_fd(ring) }
}
