import CBPF
import Glibc

/// Reads records from a BPF ring buffer map and hands each to a handler.
public final class EventRing {
    public typealias Handler = (UnsafeRawBufferPointer) -> Void
    private var ring: OpaquePointer?
    private let box: HandlerBox

    private final class HandlerBox {
        let handler: Handler
        init(_ handler: @escaping Handler) { self.handler = handler }
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
                return 0
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

    /// The epoll fd, for callers that multiplex it with other inputs.
    public var epollFD: Int32 { ring_buffer__epoll_fd(ring) }
}
